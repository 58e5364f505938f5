"""Supports for proposals and pledges to join the cooperative."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db


class Support(db.Model):
    """A resident's support for a proposal: one per resident per proposal."""

    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PledgeRole(enum.StrEnum):
    """How a pledger would take part in the cooperative."""

    MEMBER = "member"
    WORKER = "worker"
    VOLUNTEER = "volunteer"

    @property
    def label(self) -> str:
        return str(PLEDGE_ROLE_LABELS[self])


PLEDGE_ROLE_LABELS = {
    PledgeRole.MEMBER: _l("Member"),
    PledgeRole.WORKER: _l("Worker"),
    PledgeRole.VOLUNTEER: _l("Volunteer"),
}


class Pledge(db.Model):
    """A declaration to join a proposal's cooperative, by a person or for an organisation.

    `pledger` is "user:<id>" for a natural person or "organisation:<id>" for a legal person,
    so that each can pledge once per proposal; `user_id` is who made the declaration.
    """

    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("proposal_id", "pledger"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    pledger: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[PledgeRole] = mapped_column(str_enum(PledgeRole, length=20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
