"""Threaded comments with a stance, and their up-votes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db
from app.proposals.models import HiddenState

if TYPE_CHECKING:
    from app.accounts.models import User

MAX_DEPTH = 3  # a top-level comment has depth 0; replies go down to depth 3


class Stance(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    NEUTRAL = "neutral"

    @property
    def label(self) -> str:
        return str(STANCE_LABELS[self])


STANCE_LABELS = {
    Stance.FOR: _l("For"),
    Stance.AGAINST: _l("Against"),
    Stance.NEUTRAL: _l("Neutral"),
}


class Comment(db.Model):
    """A comment on a proposal, or a reply to another comment."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    stance: Mapped[Stance] = mapped_column(str_enum(Stance, length=10))
    body: Mapped[str] = mapped_column(Text)  # plain text, escaped when shown
    upvote_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden after reports (pending review) or by a moderator with a public reason.
    hidden_state: Mapped[HiddenState | None] = mapped_column(str_enum(HiddenState, length=10))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()

    @property
    def is_hidden(self) -> bool:
        return self.hidden_state is not None


class CommentVote(db.Model):
    """One resident's up-vote of a comment."""

    __tablename__ = "comment_votes"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
