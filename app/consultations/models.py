"""Consultations with dated phases, city districts, the strategy's goals and indicators."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db_types import UTCDateTime, utcnow
from app.extensions import db


class Phase(enum.StrEnum):
    """The stages of a consultation, in order."""

    UPCOMING = "upcoming"
    PROPOSALS = "proposals"
    REVIEW = "review"
    DELIBERATION = "deliberation"
    VOTING = "voting"
    RESULTS = "results"

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])


#: Residents may propose, support, pledge and comment while a consultation is in these phases.
PARTICIPATION_PHASES = frozenset({Phase.PROPOSALS, Phase.REVIEW, Phase.DELIBERATION})

PHASE_LABELS = {
    Phase.UPCOMING: _l("Not started yet"),
    Phase.PROPOSALS: _l("Proposals"),
    Phase.REVIEW: _l("Review"),
    Phase.DELIBERATION: _l("Deliberation"),
    Phase.VOTING: _l("Voting"),
    Phase.RESULTS: _l("Results"),
}


class District(db.Model):
    """A district of the city; proposals and voters belong to one (or to the whole city)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Consultation(db.Model):
    """A city process in which residents propose, discuss and vote.

    Each phase starts on its date and lasts until the next one starts; the results phase
    has no end.
    """

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    proposals_from: Mapped[date] = mapped_column(Date)
    review_from: Mapped[date] = mapped_column(Date)
    deliberation_from: Mapped[date] = mapped_column(Date)
    voting_from: Mapped[date] = mapped_column(Date)
    results_from: Mapped[date] = mapped_column(Date)
    support_threshold: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    def phase_starts(self) -> list[tuple[Phase, date]]:
        return [
            (Phase.PROPOSALS, self.proposals_from),
            (Phase.REVIEW, self.review_from),
            (Phase.DELIBERATION, self.deliberation_from),
            (Phase.VOTING, self.voting_from),
            (Phase.RESULTS, self.results_from),
        ]

    def phase_on(self, day: date) -> Phase:
        """The phase in force on a given day."""
        current = Phase.UPCOMING
        for phase, start in self.phase_starts():
            if start <= day:
                current = phase
        return current

    def phase_today(self) -> Phase:
        """The phase in force today."""
        return self.phase_on(clock.today())


class StrategyGoal(db.Model):
    """A goal of the city's development strategy, or an objective under a goal."""

    __tablename__ = "strategy_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategy_goals.id", ondelete="CASCADE"), index=True)

    parent: Mapped[StrategyGoal | None] = relationship(remote_side=[id])


class Indicator(db.Model):
    """A measure of progress towards a goal, from a named source."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("goal_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("strategy_goals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(300))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target_year: Mapped[int | None] = mapped_column(Integer)


class IndicatorValue(db.Model):
    """One year's value of an indicator."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
