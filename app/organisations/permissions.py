"""Who may do what with organisations."""

from __future__ import annotations

from app.accounts.models import Role, User

#: Staff approve representation requests.
DECIDE_ROLE = Role.STAFF


def can_decide_requests(user: User) -> bool:
    """Staff and administrators decide who represents an organisation."""
    return user.is_authenticated and user.has_role(DECIDE_ROLE)
