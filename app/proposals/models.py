"""Proposals for cooperative projects, their goals, co-authors and status history."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.consultations.models import Consultation, District


class Sector(enum.StrEnum):
    """The fields development cooperatives work in."""

    ENERGY = "energy"
    DIGITAL = "digital"
    RETROFIT = "retrofit"
    LAND = "land"
    REPAIR = "repair"
    CARE = "care"
    FOOD = "food"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(SECTOR_LABELS[self])


SECTOR_LABELS = {
    Sector.ENERGY: _l("Energy and grid"),
    Sector.DIGITAL: _l("Digital skills"),
    Sector.RETROFIT: _l("Building retrofit"),
    Sector.LAND: _l("Post-industrial land"),
    Sector.REPAIR: _l("Repair and reuse"),
    Sector.CARE: _l("Care for elderly and children"),
    Sector.FOOD: _l("Local food"),
    Sector.OTHER: _l("Other"),
}


class ProposalStatus(enum.StrEnum):
    """Where a proposal stands (DESIGN.md): draft → submitted → accepted/rejected → ..."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SELECTED = "selected"
    IN_IMPLEMENTATION = "in_implementation"
    DONE = "done"
    WITHDRAWN = "withdrawn"
    CHANGES_REQUESTED = "changes_requested"  # sent back to the authors by a moderator
    MERGED = "merged"  # a duplicate, merged into another proposal (merged_into_id)

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ProposalStatus.DRAFT: _l("Draft"),
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.ACCEPTED: _l("Accepted for the vote"),
    ProposalStatus.REJECTED: _l("Rejected"),
    ProposalStatus.SELECTED: _l("Selected"),
    ProposalStatus.IN_IMPLEMENTATION: _l("In implementation"),
    ProposalStatus.DONE: _l("Done"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn"),
    ProposalStatus.CHANGES_REQUESTED: _l("Changes requested"),
    ProposalStatus.MERGED: _l("Merged into another proposal"),
}


class HiddenState(enum.StrEnum):
    """Why a proposal or comment is not shown: too many reports, or a moderator's decision."""

    PENDING = "pending"  # hidden automatically after reports, until a moderator looks
    HIDDEN = "hidden"    # hidden by a moderator, with a public reason


class Proposal(db.Model):
    """A cooperative project put forward in a consultation."""

    __tablename__ = "proposals"
    __table_args__ = (
        # The listing's count (shown proposals by status) reads this small index alone,
        # never the table with its long texts.
        Index("ix_proposals_listed_status", "status",
              postgresql_where=text("hidden_state IS NULL"),
              sqlite_where=text("hidden_state IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # sanitize_html(markdown(body_markdown))
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, length=20), index=True)
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"), index=True)  # None: city-wide
    estimated_cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    expected_jobs: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, length=20), default=ProposalStatus.DRAFT, index=True)
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    qualified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept up to date by the services, so that sorting a long list needs no aggregate.
    support_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    comment_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    # Title and text folded to lower case without diacritics ("zieleń" -> "zielen").
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moderation: hidden (after reports, or by a moderator with a public reason), the
    # discussion locked with a public reason, merged into another proposal as a duplicate.
    hidden_state: Mapped[HiddenState | None] = mapped_column(str_enum(HiddenState, length=10))
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discussion_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discussion_lock_reason: Mapped[str | None] = mapped_column(String(500))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"), index=True)

    consultation: Mapped[Consultation] = relationship()
    district: Mapped[District | None] = relationship()
    author: Mapped[User | None] = relationship()
    merged_into: Mapped[Proposal | None] = relationship(remote_side="Proposal.id")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_state is not None

    @property
    def discussion_locked(self) -> bool:
        return self.discussion_locked_at is not None


class ProposalGoal(db.Model):
    """A strategy goal a proposal serves (one to three per proposal)."""

    __tablename__ = "proposal_goals"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_goals.id", ondelete="CASCADE"), primary_key=True, index=True)


class ProposalCoauthor(db.Model):
    """A resident who co-authors a proposal and may edit it."""

    __tablename__ = "proposal_coauthors"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class ProposalStatusChange(db.Model):
    """One step of a proposal's history, shown on its page."""

    __tablename__ = "proposal_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus, length=20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(1000))
