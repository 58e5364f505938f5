"""Logic of notifications: follows, in-app notifications and the emails that go with them.

Notifications are added to the session by the service that makes the change, and so are
committed (or rolled back) with it. Their emails are composed at once, in each recipient's
language, and handed to the mailer only after the commit succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import abort, g, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import User
from app.db_types import utcnow
from app.extensions import db
from app.mail import compose_mail, deliver
from app.notifications import permissions
from app.notifications.models import EmailPreferences, Follow, Notification, NotificationKind
from app.proposals import permissions as proposal_permissions
from app.proposals import services as proposal_services
from app.proposals.models import Proposal, ProposalCoauthor, ProposalStatus

if TYPE_CHECKING:
    from app.discussion.models import Comment

log = logging.getLogger("agora.notifications")

PER_PAGE = 20
EXCERPT_LENGTH = 300

#: Which email preference allows which kind of notification.
PREFERENCE_OF = {
    NotificationKind.REPLY: "replies",
    NotificationKind.NEW_COMMENT: "followed",
    NotificationKind.STATUS_CHANGE: "status_changes",
}
MAIL_TEMPLATE_OF = {
    NotificationKind.REPLY: "mail/notification_reply",
    NotificationKind.NEW_COMMENT: "mail/notification_new_comment",
    NotificationKind.STATUS_CHANGE: "mail/notification_status_change",
}


# -- links and small helpers ------------------------------------------------------------------

def proposal_url(proposal_id: int, comment_id: int | None = None, *,
                 external: bool = False) -> str:
    """The proposal page, at a comment when one is given."""
    anchor = f"comment-{comment_id}" if comment_id else None
    return url_for("proposals.show", proposal_id=proposal_id, _anchor=anchor,
                   _external=external)


def get_visible_proposal_or_404(user: User, proposal_id: int) -> Proposal:
    """A proposal the user may see (the proposals' rule: a draft is its authors' only)."""
    proposal = proposal_services.get_proposal_or_404(proposal_id)
    coauthor_ids = ([person.id for person in proposal_services.coauthors_of(proposal)]
                    if proposal.status is ProposalStatus.DRAFT else [])
    if not proposal_permissions.can_view(user, proposal, coauthor_ids):
        abort(404)
    return proposal


def insert_ignoring_duplicates(model: type[db.Model], **values: Any) -> bool:
    """INSERT a row unless a unique constraint already holds it; True when a row was added.

    Safe against two requests racing: the database, not a prior SELECT, decides.
    """
    table = model.__table__
    insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite_insert)
    statement = (insert(table).values(**values).on_conflict_do_nothing()
                 .returning(*table.primary_key.columns))
    # RETURNING rather than rowcount, which PostgreSQL drivers may leave unset (-1).
    return db.session.execute(statement).first() is not None


# -- following --------------------------------------------------------------------------------

def is_following(user: User, proposal_id: int) -> bool:
    """Whether the user follows the proposal."""
    if not user or not user.is_authenticated:
        return False
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.proposal_id == proposal_id)) is not None


def add_follow(user_id: int, proposal_id: int) -> None:
    """Follow a proposal if not yet following (the caller commits)."""
    insert_ignoring_duplicates(Follow, user_id=user_id, proposal_id=proposal_id,
                               created_at=utcnow())


def follow(user: User, proposal_id: int) -> None:
    """Follow a proposal."""
    add_follow(user.id, proposal_id)
    db.session.commit()


def unfollow(user: User, proposal_id: int) -> None:
    """Stop following a proposal."""
    db.session.execute(Follow.__table__.delete().where(
        Follow.user_id == user.id, Follow.proposal_id == proposal_id))
    db.session.commit()


# -- creating notifications (in the caller's transaction) -------------------------------------

def notify_new_comment(comment: Comment, proposal: Proposal, actor: User,
                       parent: Comment | None = None) -> None:
    """REPLY to the parent comment's author, NEW_COMMENT to the other followers (no commit)."""
    params = {"actor": actor.public_name, "title": proposal.title}
    excerpt = _excerpt(comment.body)
    replied_to = None
    if parent is not None and parent.author_id and parent.author_id != actor.id:
        replied_to = parent.author_id
        _notify([replied_to], NotificationKind.REPLY, proposal.id, comment.id, params,
                excerpt=excerpt)
    followers = db.session.scalars(select(Follow.user_id).where(
        Follow.proposal_id == proposal.id, Follow.user_id != actor.id)).all()
    _notify([f for f in followers if f != replied_to], NotificationKind.NEW_COMMENT,
            proposal.id, comment.id, params, excerpt=excerpt)


def notify_status_change(proposal: Proposal, old_status: ProposalStatus | str | None,
                         new_status: ProposalStatus | str, actor: User | None) -> None:
    """STATUS_CHANGE to the proposal's author and co-authors, except whoever made the change.

    Adds the notifications to the session without committing: call it before the commit
    that records the change; the emails go out once that commit succeeds.
    """
    authors = {proposal.author_id} if proposal.author_id else set()
    authors.update(db.session.scalars(select(ProposalCoauthor.user_id).where(
        ProposalCoauthor.proposal_id == proposal.id)))
    if actor is not None and actor.is_authenticated:
        authors.discard(actor.id)
    params = {"title": proposal.title,
              "old": ProposalStatus(old_status).value if old_status else None,
              "new": ProposalStatus(new_status).value}
    _notify(sorted(authors), NotificationKind.STATUS_CHANGE, proposal.id, None, params)


def notify_moderation(user_id: int | None, event: str, *, proposal_id: int | None = None,
                      comment_id: int | None = None, **params: Any) -> None:
    """MODERATION to the author of a contribution or the person concerned (no commit).

    In-app only: `event` is a key of MODERATION_MESSAGES, `params` fill it in (a title, the
    moderator's public reason, the end of a block as an ISO time).
    """
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        return
    db.session.add(Notification(user_id=user.id, kind=NotificationKind.MODERATION,
                                proposal_id=proposal_id, comment_id=comment_id,
                                params={"event": event, **params}, created_at=utcnow()))


def _notify(user_ids: Iterable[int], kind: NotificationKind, proposal_id: int,
            comment_id: int | None, params: dict[str, Any], **mail_context: Any) -> None:
    """Add one notification per recipient, and queue the emails their preferences allow."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return
    rows = db.session.execute(
        select(User, EmailPreferences)
        .outerjoin(EmailPreferences, EmailPreferences.user_id == User.id)
        .where(User.id.in_(user_ids), User.deleted_at.is_(None))
        .order_by(User.id)).all()
    url = proposal_url(proposal_id, comment_id, external=True)
    for user, preferences in rows:
        db.session.add(Notification(user_id=user.id, kind=kind, proposal_id=proposal_id,
                                    comment_id=comment_id, params=dict(params),
                                    created_at=utcnow()))
        if user.is_confirmed and wants_email(preferences, kind):
            deliver(compose_mail(
                user.email, MAIL_TEMPLATE_OF[kind], user.locale, recipient=user, url=url,
                preferences_url=url_for("notifications.preferences", _external=True),
                **_mail_values(kind, params), **mail_context))


def _mail_values(kind: NotificationKind, params: dict[str, Any]) -> dict[str, Any]:
    values = dict(params)
    if kind is NotificationKind.STATUS_CHANGE:
        # Enums, so that the template shows their labels in the recipient's language.
        values["old"] = ProposalStatus(params["old"]) if params.get("old") else None
        values["new"] = ProposalStatus(params["new"])
    return values


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1].rstrip() + "…"


def wants_email(preferences: EmailPreferences | None, kind: NotificationKind) -> bool:
    """All kinds are on until the user turns them off."""
    if preferences is None:
        return True
    return bool(getattr(preferences, PREFERENCE_OF[kind]))


# -- reading and marking ----------------------------------------------------------------------

def unread_count(user: User) -> int:
    """How many notifications the user has not read, counted once per request."""
    if not user or not user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None))) or 0
    return g.unread_notifications


def notifications_page(user: User, page: int):
    """The user's notifications, newest first."""
    query = (select(Notification).where(Notification.user_id == user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def get_own_notification_or_404(user: User, notification_id: int) -> Notification:
    """One of the user's notifications; someone else's is not found."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not permissions.owns_notification(user, notification):
        abort(404)
    return notification


def mark_read(notification: Notification) -> None:
    """Mark one notification as read."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    g.pop("unread_notifications", None)


def mark_all_read(user: User) -> int:
    """Mark all the user's notifications as read; returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    db.session.commit()
    g.pop("unread_notifications", None)
    return result.rowcount


def message_for(notification: Notification) -> str:
    """The notification's text in the reader's language."""
    params = notification.params or {}
    title = params.get("title", "")
    if notification.kind is NotificationKind.REPLY:
        return _("%(actor)s replied to your comment on “%(title)s”.",
                 actor=params.get("actor", ""), title=title)
    if notification.kind is NotificationKind.MODERATION:
        return _moderation_message(params)
    if notification.kind is NotificationKind.NEW_COMMENT:
        return _("%(actor)s commented on “%(title)s”, which you follow.",
                 actor=params.get("actor", ""), title=title)
    if not params.get("old"):
        return _("Your proposal “%(title)s” is now “%(new)s”.",
                 title=title, new=_status_label(params.get("new")))
    return _("The status of your proposal “%(title)s” changed from “%(old)s” to “%(new)s”.",
             title=title, old=_status_label(params.get("old")),
             new=_status_label(params.get("new")))


def _moderation_message(params: dict[str, Any]) -> str:
    """A moderator's action on the reader's contribution or account, in words."""
    event, title, reason = params.get("event"), params.get("title", ""), params.get("reason", "")
    if event == "comment_pending":
        return _("Your comment on “%(title)s” is hidden until a moderator reviews the reports "
                 "about it.", title=title)
    if event == "proposal_pending":
        return _("Your proposal “%(title)s” is hidden until a moderator reviews the reports "
                 "about it.", title=title)
    if event == "comment_hidden":
        return _("A moderator hid your comment on “%(title)s”. Reason: %(reason)s",
                 title=title, reason=reason)
    if event == "proposal_hidden":
        return _("A moderator hid your proposal “%(title)s”. Reason: %(reason)s",
                 title=title, reason=reason)
    if event == "comment_restored":
        return _("Your comment on “%(title)s” is shown again.", title=title)
    if event == "proposal_restored":
        return _("Your proposal “%(title)s” is shown again.", title=title)
    if event == "locked":
        return _("A moderator locked the discussion of your proposal “%(title)s”. "
                 "Reason: %(reason)s", title=title, reason=reason)
    if event == "unlocked":
        return _("The discussion of your proposal “%(title)s” is open again.", title=title)
    if event == "blocked":
        until = params.get("until")
        when = format_datetime(datetime.fromisoformat(until), "short") if until else ""
        return _("A moderator blocked your account from posting until %(until)s. "
                 "Reason: %(reason)s", until=when, reason=reason)
    if event == "unblocked":
        return _("You can post again: a moderator lifted the block on your account.")
    if event == "merged_into_yours":
        return _("A moderator merged the proposal “%(other)s” into your proposal “%(title)s”: "
                 "its supports and pledges now count for yours.",
                 other=params.get("other", ""), title=title)
    return _("A moderator acted on your contribution.")


def _status_label(value: str | None) -> str:
    try:
        return ProposalStatus(value).label
    except ValueError:
        return value or ""


def link_for(notification: Notification) -> str:
    """Where the notification leads: the comment, or the proposal."""
    if notification.proposal_id is None:
        return url_for("notifications.index")
    return proposal_url(notification.proposal_id, notification.comment_id)


# -- email preferences ------------------------------------------------------------------------

def preferences_for(user: User) -> EmailPreferences:
    """The user's email preferences; all on when never saved."""
    preferences = db.session.get(EmailPreferences, user.id)
    if preferences is None:
        preferences = EmailPreferences(user_id=user.id, replies=True, followed=True,
                                       status_changes=True)
    return preferences


def save_preferences(user: User, *, replies: bool, followed: bool,
                     status_changes: bool) -> None:
    """Store which notifications the user also wants by email."""
    preferences = db.session.get(EmailPreferences, user.id)
    if preferences is None:
        preferences = EmailPreferences(user_id=user.id)
        db.session.add(preferences)
    preferences.replies = replies
    preferences.followed = followed
    preferences.status_changes = status_changes
    db.session.commit()
