"""Who may do what with the census list and verification."""

from __future__ import annotations

from app.accounts.models import Role

#: City staff (and administrators) import the census and verify people in person.
CENSUS_ROLE = Role.STAFF
