"""Who may do what in notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.notifications.models import Notification


def owns_notification(user: User, notification: Notification) -> bool:
    """A notification is seen and marked only by the person it is for."""
    return bool(user and user.is_authenticated and notification.user_id == user.id)
