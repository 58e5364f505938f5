"""Who may use the notifications' routes (merged into tests/access.py TABLE).

The walk's notification belongs to another resident, so marking it is "not found" for
every visitor; empty follow and mark-all forms change nothing.
"""

from __future__ import annotations

from app.db_types import utcnow
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from tests.access import signed_in

TABLE = {
    ("notifications.follow", "POST"): signed_in(303),
    ("notifications.unfollow", "POST"): signed_in(303),
    ("notifications.index", "GET"): signed_in(200),
    ("notifications.mark_read", "POST"): signed_in(404),
    ("notifications.mark_all_read", "POST"): signed_in(303),
    ("notifications.preferences", "GET"): signed_in(200),
    ("notifications.preferences", "POST"): signed_in(200),
}


def extra_url_values(users, values: dict) -> dict:
    """A notification of the other resident's, for /notifications/<id>/read."""
    notification = Notification(user_id=values["user_id"], kind=NotificationKind.NEW_COMMENT,
                                proposal_id=values["proposal_id"],
                                comment_id=values["comment_id"],
                                params={"actor": "Ktoś", "title": "Projekt"},
                                created_at=utcnow())
    db.session.add(notification)
    db.session.commit()
    return {"notification_id": notification.id}
