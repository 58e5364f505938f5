"""Who may moderate, report and review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.accounts.models import Role

if TYPE_CHECKING:
    from app.accounts.models import User

#: Moderators, city staff and administrators handle reports, review and merge proposals.
MODERATOR_ROLE = Role.MODERATOR


def can_moderate(user: User) -> bool:
    """Moderators and the roles above them."""
    return bool(user and user.is_authenticated and user.has_role(MODERATOR_ROLE))


def can_report(user: User) -> bool:
    """Confirmed residents who are not blocked report proposals, comments and accounts."""
    return bool(user and user.is_authenticated and user.is_confirmed and not user.is_blocked)
