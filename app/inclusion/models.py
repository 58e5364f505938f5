"""Demographic profiles given with consent, the population reference and citizens' panels."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db


class Gender(enum.StrEnum):
    """Gender as public statistics count it, plus a third answer for everyone else."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(GENDER_LABELS[self])


GENDER_LABELS = {
    Gender.FEMALE: _l("Woman"),
    Gender.MALE: _l("Man"),
    Gender.OTHER: _l("Another answer"),
}


class AgeBand(enum.StrEnum):
    """Adult age bands, each a sum of the five-year groups public statistics publish."""

    A18_29 = "18-29"
    A30_44 = "30-44"
    A45_64 = "45-64"
    A65 = "65+"

    @property
    def label(self) -> str:
        return str(AGE_BAND_LABELS[self])

    @classmethod
    def for_age(cls, age: int) -> AgeBand | None:
        """The band of an adult of this age; None under 18."""
        if age < 18:
            return None
        if age < 30:
            return cls.A18_29
        if age < 45:
            return cls.A30_44
        if age < 65:
            return cls.A45_64
        return cls.A65


AGE_BAND_LABELS = {
    AgeBand.A18_29: _l("18 to 29"),
    AgeBand.A30_44: _l("30 to 44"),
    AgeBand.A45_64: _l("45 to 64"),
    AgeBand.A65: _l("65 and over"),
}


class WorkSituation(enum.StrEnum):
    """What a person mainly does; the population reference has no such figures."""

    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    CARING = "caring"
    RETIRED = "retired"
    STUDENT = "student"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(WORK_SITUATION_LABELS[self])


WORK_SITUATION_LABELS = {
    WorkSituation.EMPLOYED: _l("In paid work"),
    WorkSituation.UNEMPLOYED: _l("Unemployed"),
    WorkSituation.CARING: _l("Not working: caring for family"),
    WorkSituation.RETIRED: _l("Retired"),
    WorkSituation.STUDENT: _l("Student"),
    WorkSituation.OTHER: _l("Other"),
}


class InclusionProfile(db.Model):
    """A resident's answers about themself, kept only while they consent.

    Never shown per person: it only feeds counts on the participation dashboard, and those
    counts below the suppression threshold are hidden. Withdrawing consent or deleting the
    account deletes the row.
    """

    __tablename__ = "inclusion_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, length=10))
    age_band: Mapped[AgeBand] = mapped_column(str_enum(AgeBand, length=10))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"), index=True)
    work_situation: Mapped[WorkSituation] = mapped_column(str_enum(WorkSituation, length=20))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PopulationCount(db.Model):
    """How many adults of one gender and age band live in one district (public statistics)."""

    __tablename__ = "population_counts"
    __table_args__ = (UniqueConstraint("district_id", "age_band", "gender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True)
    age_band: Mapped[AgeBand] = mapped_column(str_enum(AgeBand, length=10))
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, length=10))
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PanelStatus(enum.StrEnum):
    """A panel takes volunteers, then its seed is published (the pool is fixed), then drawn."""

    OPEN = "open"
    SEEDED = "seeded"
    DRAWN = "drawn"

    @property
    def label(self) -> str:
        return str(PANEL_STATUS_LABELS[self])


PANEL_STATUS_LABELS = {
    PanelStatus.OPEN: _l("Taking volunteers"),
    PanelStatus.SEEDED: _l("Seed published, draw to come"),
    PanelStatus.DRAWN: _l("Drawn"),
}


class Panel(db.Model):
    """A citizens' panel: a call for volunteers, quotas, a published seed and the draw."""

    __tablename__ = "citizen_panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[PanelStatus] = mapped_column(str_enum(PanelStatus, length=10),
                                                default=PanelStatus.OPEN)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    seed_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation = relationship("Consultation")

    @property
    def is_open(self) -> bool:
        return self.status is PanelStatus.OPEN


class PanelQuota(db.Model):
    """The least and most panel members with one value of one feature (e.g. gender: woman)."""

    __tablename__ = "panel_quotas"
    __table_args__ = (UniqueConstraint("panel_id", "feature", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("citizen_panels.id", ondelete="CASCADE"), index=True)
    feature: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(20))
    minimum: Mapped[int] = mapped_column(Integer)
    maximum: Mapped[int] = mapped_column(Integer)


class PanelVolunteer(db.Model):
    """A resident who applied to a panel, with the answers the draw stratifies on.

    `number` is the volunteer's public pseudonym in the published pool (1, 2, ...), so anyone
    can re-run the draw without learning who applied.
    """

    __tablename__ = "panel_volunteers"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),
                      UniqueConstraint("panel_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("citizen_panels.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, length=10))
    age_band: Mapped[AgeBand] = mapped_column(str_enum(AgeBand, length=10))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    work_situation: Mapped[WorkSituation] = mapped_column(str_enum(WorkSituation, length=20))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    selected: Mapped[bool] = mapped_column(Boolean, default=False)
    probability: Mapped[float | None] = mapped_column(Float)


class PanelMessage(db.Model):
    """A message in a panel's private discussion space (members and staff only)."""

    __tablename__ = "panel_messages"
    __page_cache_neutral__ = True  # never on a public page

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("citizen_panels.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


class PanelRecommendation(db.Model):
    """A recommendation the panel agreed, published by staff, optionally about one proposal."""

    __tablename__ = "panel_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("citizen_panels.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal = relationship("Proposal")
