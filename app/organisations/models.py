"""Organisations and representation requests."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.accounts.models import User


class OrganisationKind(enum.StrEnum):
    """Legal persons that can join a development cooperative."""

    NGO = "ngo"
    MUNICIPAL_COMPANY = "municipal_company"
    COOPERATIVE = "cooperative"
    MUNICIPAL_UNIT = "municipal_unit"
    BUSINESS = "business"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    OrganisationKind.NGO: _l("Non-governmental organisation"),
    OrganisationKind.MUNICIPAL_COMPANY: _l("Municipal company"),
    OrganisationKind.COOPERATIVE: _l("Cooperative"),
    OrganisationKind.MUNICIPAL_UNIT: _l("Municipal unit"),
    OrganisationKind.BUSINESS: _l("Business"),
}


class RepresentationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    RepresentationStatus.PENDING: _l("waiting for approval"),
    RepresentationStatus.APPROVED: _l("approved"),
    RepresentationStatus.REJECTED: _l("rejected"),
}


class Organisation(db.Model):
    """A legal person. Public once staff approve its first representative."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    registry_number: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_public(self) -> bool:
        return self.approved_at is not None


class Representation(db.Model):
    """A person's request, then right, to act for an organisation."""

    __tablename__ = "representations"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RepresentationStatus] = mapped_column(
        str_enum(RepresentationStatus), default=RepresentationStatus.PENDING, index=True)
    role_in_organisation: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(String(500))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
