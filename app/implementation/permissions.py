"""Who may report on funded projects: city staff (and administrators)."""

from __future__ import annotations

from app.accounts.models import Role, User

MANAGE_ROLE = Role.STAFF


def can_report(user: User) -> bool:
    """Staff write the dated implementation updates; everyone reads them."""
    return bool(user.is_authenticated and user.has_role(MANAGE_ROLE))
