"""Who may do what in consultations, districts and the strategy."""

from __future__ import annotations

from app.accounts.models import Role, User

#: City staff run consultations, keep the list of districts and the strategy's goals.
MANAGE_ROLE = Role.STAFF


def can_manage(user: User) -> bool:
    """Staff and administrators create and edit consultations, districts, goals and indicators."""
    return bool(user.is_authenticated and user.has_role(MANAGE_ROLE))
