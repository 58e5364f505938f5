"""Who may do what in inclusion: staff import the population and run panels; the dashboards
and panel pages are public; a panel's private space is for its members and staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.accounts.models import Role

if TYPE_CHECKING:
    from app.accounts.models import User

#: City staff import the population reference and run citizens' panels.
MANAGE_ROLE = Role.STAFF


def can_manage(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(MANAGE_ROLE))


def can_volunteer(user: User) -> bool:
    """Confirmed residents volunteer for panels."""
    return bool(user.is_authenticated and user.is_active and user.is_confirmed)
