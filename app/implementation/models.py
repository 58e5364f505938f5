"""How a funded project is being carried out, and the dated updates staff write about it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User


class ImplementationStatus(enum.StrEnum):
    """Where a funded project stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(IMPLEMENTATION_STATUS_LABELS[self])


IMPLEMENTATION_STATUS_LABELS = {
    ImplementationStatus.PLANNED: _l("Planned"),
    ImplementationStatus.IN_PROGRESS: _l("In progress"),
    ImplementationStatus.DONE: _l("Done"),
    ImplementationStatus.CANCELLED: _l("Cancelled"),
}


class CooperativeStage(enum.StrEnum):
    """The steps of founding a cooperative, in order."""

    IDEA = "idea"
    FOUNDING_GROUP = "founding_group"
    STATUTE = "statute"
    REGISTRATION = "registration"
    OPERATING = "operating"

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self])


STAGE_LABELS = {
    CooperativeStage.IDEA: _l("Idea"),
    CooperativeStage.FOUNDING_GROUP: _l("Founding group"),
    CooperativeStage.STATUTE: _l("Statute"),
    CooperativeStage.REGISTRATION: _l("Registration"),
    CooperativeStage.OPERATING: _l("Operating"),
}


class ProjectImplementation(db.Model):
    """The implementation state of one funded proposal (1:1, keyed by the proposal)."""

    __tablename__ = "project_implementations"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100",
                                      name="progress_percent"),)

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[ImplementationStatus] = mapped_column(
        str_enum(ImplementationStatus, length=20), default=ImplementationStatus.PLANNED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # None: the project is not a cooperative (or its stage is not tracked).
    cooperative_stage: Mapped[CooperativeStage | None] = mapped_column(
        str_enum(CooperativeStage, length=20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImplementationUpdate(db.Model):
    """A dated note by staff on a project's implementation, with the progress at that time."""

    __tablename__ = "implementation_updates"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100",
                                      name="update_progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    update_date: Mapped[date] = mapped_column(Date)
    status: Mapped[ImplementationStatus] = mapped_column(str_enum(ImplementationStatus,
                                                                  length=20))
    progress: Mapped[int] = mapped_column(Integer)
    cooperative_stage: Mapped[CooperativeStage | None] = mapped_column(
        str_enum(CooperativeStage, length=20))
    text_markdown: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = mapped_column(Text)  # render_markdown -> the one sanitize_html
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
