"""Voting: a consultation's voting settings, its frozen options, the voter roll, the ballots
and the draft result.

Secret ballot, by construction of these tables:
- `Ballot` has no user or census column; its id is 128 random bits, so ids do not order the
  ballots as they were cast; its time is the hour it was cast in (`cast_hour`), never finer;
- `VoterRoll` says who voted (and on which channel), never what; its `recorded_hour` is
  rounded to the hour as well, so the two tables cannot be joined by time within an hour.
What this does not protect against is written in README.md (Voting).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db


class VotingMethod(enum.StrEnum):
    """How residents vote in a consultation."""

    YES_NO = "yes_no"  # yes / no / abstain on each question
    APPROVAL = "approval"  # choose up to k proposals
    BUDGET = "budget"  # participatory budget: choose proposals within the pools

    @property
    def label(self) -> str:
        return str(METHOD_LABELS[self])


METHOD_LABELS = {
    VotingMethod.YES_NO: _l("Yes, no or abstain on each question"),
    VotingMethod.APPROVAL: _l("Approval: choose up to a number of proposals"),
    VotingMethod.BUDGET: _l("Participatory budget: choose proposals within the budget"),
}


class Channel(enum.StrEnum):
    """Where a vote was cast."""

    ONLINE = "online"
    PAPER = "paper"

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {Channel.ONLINE: _l("Online"), Channel.PAPER: _l("On paper")}

#: The tally rules staff may choose for a participatory budget (names as in app/votes/tally).
BUDGET_RULES = ("greedy", "greedy-no-skip", "equalshares", "equalshares/add1",
                "equalshares/add1-comparison")
RULE_LABELS = {
    "greedy": _l("Most votes first, skipping projects that no longer fit"),
    "greedy-no-skip": _l("Most votes first, stopping at the first project that does not fit"),
    "equalshares": _l("Method of Equal Shares, without completion"),
    "equalshares/add1": _l("Method of Equal Shares, completed (add1, then most votes)"),
    "equalshares/add1-comparison": _l(
        "Method of Equal Shares, completed and compared with most votes (Wieliczka 2023)"),
}


class VotingSettings(db.Model):
    """How a consultation votes and who may vote: frozen once its voting phase starts.

    One row per consultation (a consultation without one has no vote). Districts allowed to
    vote and the district pools are in their own tables; questions too.
    """

    __tablename__ = "voting_settings"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[VotingMethod] = mapped_column(str_enum(VotingMethod, length=20))
    #: Approval: the most proposals a voter may choose.
    approval_max: Mapped[int | None] = mapped_column(Integer)
    #: Participatory budget: the city-wide pool (proposals without a district).
    city_budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: Participatory budget: fewest and most proposals on one ballot, both pools together.
    min_picks: Mapped[int] = mapped_column(Integer, default=0)
    max_picks: Mapped[int | None] = mapped_column(Integer)
    tally_rule: Mapped[str] = mapped_column(String(40), default="greedy")
    verification_required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Age reached on the voting day (the census has birth years, so: during that year).
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    #: Set when the options were copied from the accepted proposals (voting had started).
    options_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class EligibleDistrict(db.Model):
    """A district whose residents may vote; a consultation with none lets every district."""

    __tablename__ = "voting_districts"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("voting_settings.consultation_id", ondelete="CASCADE"), primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True)


class DistrictPool(db.Model):
    """The budget for the proposals placed in one district (participatory budget)."""

    __tablename__ = "voting_district_pools"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("voting_settings.consultation_id", ondelete="CASCADE"), primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class VotingQuestion(db.Model):
    """A question answered yes, no or abstain (yes/no method)."""

    __tablename__ = "voting_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("voting_settings.consultation_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))


class VotingOption(db.Model):
    """A proposal on the ballot as it stood when voting opened: its cost and district.

    Copied once from the proposals accepted for the vote, so that a later change to a
    proposal (its status, cost or district) does not change the ballot or the tally.
    """

    __tablename__ = "voting_options"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("voting_settings.consultation_id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))  # None: the city-wide pool


class VoterRoll(db.Model):
    """Who has voted in a consultation, and how: never what.

    Unique per consultation and account, and per consultation and census entry, so a person
    votes once, online or on paper, even when many requests race (the database decides).
    """

    __tablename__ = "voter_roll"
    __page_cache_neutral__ = True  # shown to staff only
    __table_args__ = (UniqueConstraint("consultation_id", "user_id"),
                      UniqueConstraint("consultation_id", "census_entry_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    census_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("census_entries.id", ondelete="SET NULL"))
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, length=10))
    recorded_hour: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))  # staff, for a paper ballot


class Ballot(db.Model):
    """What was voted, with no link to the voter (see the module's docstring)."""

    __tablename__ = "ballots"
    __page_cache_neutral__ = True  # counted on staff pages until the result is published

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # secrets.token_hex(16)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, length=10))
    cast_hour: Mapped[datetime] = mapped_column(UTCDateTime)
    #: SHA-256 of the receipt code given to the voter (None for a paper ballot).
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: {"proposals": [ids]} or {"answers": {"<question id>": "yes" | "no" | "abstain"}}.
    choices: Mapped[dict[str, Any]] = mapped_column(JSON)


class VotingResult(db.Model):
    """The tally of a closed vote: a draft seen by staff until it is published."""

    __tablename__ = "voting_results"
    __page_cache_neutral__ = True  # a draft; publishing (a later step) makes it public

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("voting_settings.consultation_id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[VotingMethod] = mapped_column(str_enum(VotingMethod, length=20))
    rule: Mapped[str] = mapped_column(String(40))
    ballots_online: Mapped[int] = mapped_column(Integer)
    ballots_paper: Mapped[int] = mapped_column(Integer)
    #: Proposals funded (budget) or leading (approval), in the order the rule chose them.
    selected: Mapped[list[int]] = mapped_column(JSON)
    total_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: Per pool or per question counts, and the rule's own details.
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
