"""Follows, in-app notifications and email preferences."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db


class Follow(db.Model):
    """A user follows a proposal to hear about new comments and changes."""

    __tablename__ = "follows"
    __page_cache_neutral__ = True  # seen only by its owner: no public page changes
    __table_args__ = (UniqueConstraint("user_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationKind(enum.StrEnum):
    REPLY = "reply"                # someone replied to my comment
    NEW_COMMENT = "new_comment"    # a new comment on a proposal I follow
    STATUS_CHANGE = "status_change"  # my proposal's status changed
    MODERATION = "moderation"      # a moderator acted on my contribution or my account


class Notification(db.Model):
    """Something that happened that a user should know about."""

    __tablename__ = "notifications"
    __page_cache_neutral__ = True  # seen only by its owner: no public page changes

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, length=20))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"))
    # Values for the message text, which is translated when shown (names, titles, statuses).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class EmailPreferences(db.Model):
    """Which notifications a user also wants by email (all on by default)."""

    __tablename__ = "email_preferences"
    __page_cache_neutral__ = True  # seen only by its owner: no public page changes

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    replies: Mapped[bool] = mapped_column(Boolean, default=True)
    followed: Mapped[bool] = mapped_column(Boolean, default=True)
    status_changes: Mapped[bool] = mapped_column(Boolean, default=True)
