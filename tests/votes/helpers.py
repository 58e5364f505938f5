"""Rows the voting tests need: consultations with a vote, census entries, ballots cast."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from app.accounts.census import pesel_hash
from app.accounts.models import CensusEntry, Role, User
from app.consultations.models import Consultation, District
from app.extensions import db
from app.proposals.models import Proposal, ProposalStatus
from app.votes.models import (
    Ballot,
    DistrictPool,
    EligibleDistrict,
    VoterRoll,
    VotingMethod,
    VotingQuestion,
    VotingSettings,
)
from tests.conftest import make_user
from tests.factories import make_consultation, make_district, make_proposal

_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
_serial = {"n": 0}


def make_pesel(birth_year: int = 1980, serial: int | None = None) -> str:
    """A valid PESEL of someone born on 1 March of `birth_year` (a new serial each call)."""
    if serial is None:
        _serial["n"] += 1
        serial = _serial["n"]
    month = 3 + (20 if birth_year >= 2000 else 0)
    digits = f"{birth_year % 100:02d}{month:02d}01{serial % 10000:04d}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 10) % 10
    return digits + str(check)


def make_census(user: User | None = None, district: District | None = None,
                birth_year: int = 1980, pesel: str | None = None) -> CensusEntry:
    """A census entry (linked to `user` when given: that account is verified)."""
    entry = CensusEntry(pesel_hash=pesel_hash(pesel or make_pesel(birth_year)),
                        district_id=district.id if district else None, birth_year=birth_year,
                        user_id=user.id if user else None)
    db.session.add(entry)
    db.session.commit()
    return entry


@dataclass
class Vote:
    """A consultation with its vote set up: districts, accepted proposals, settings."""

    consultation: Consultation
    settings: VotingSettings
    north: District
    south: District
    city: list[Proposal] = field(default_factory=list)
    in_north: list[Proposal] = field(default_factory=list)
    in_south: list[Proposal] = field(default_factory=list)
    questions: list[VotingQuestion] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.consultation.id


def make_vote(method: VotingMethod = VotingMethod.BUDGET, phase: str = "voting", *,
              city_costs=(400_000, 300_000, 200_000), north_costs=(60_000, 50_000),
              south_costs=(70_000,), city_budget: int | None = 600_000,
              pools: dict[str, int] | None = None, min_picks: int = 1,
              max_picks: int | None = None, approval_max: int | None = 2,
              verification_required: bool = True, minimum_age: int | None = None,
              districts: tuple[str, ...] = (), questions=("Czy zbudować most?",),
              tally_rule: str = "greedy") -> Vote:
    """A vote written straight to the database (as staff would have set it before voting)."""
    consultation = make_consultation(phase)
    north, south = make_district(), make_district()
    by_name = {"north": north, "south": south}
    author = make_user(Role.RESIDENT)

    def proposals(costs, district):
        return [make_proposal(consultation, author, status=ProposalStatus.ACCEPTED,
                              estimated_cost=Decimal(cost),
                              district_id=district.id if district else None,
                              title=f"Projekt {district.name if district else 'miejski'} {i}")
                for i, cost in enumerate(costs, start=1)]

    vote = Vote(consultation, None, north, south)  # type: ignore[arg-type]
    if method is not VotingMethod.YES_NO:
        vote.city = proposals(city_costs, None)
        vote.in_north = proposals(north_costs, north)
        vote.in_south = proposals(south_costs, south)
        # Not on the ballot: only proposals accepted for the vote are.
        make_proposal(consultation, author, status=ProposalStatus.SUBMITTED)
    settings = VotingSettings(
        consultation_id=consultation.id, method=method, approval_max=approval_max,
        city_budget=Decimal(city_budget) if city_budget is not None else None,
        min_picks=min_picks, max_picks=max_picks, tally_rule=tally_rule,
        verification_required=verification_required, minimum_age=minimum_age)
    db.session.add(settings)
    db.session.flush()
    pools = {"north": 100_000, "south": 100_000} if pools is None else pools
    for name, amount in pools.items():
        db.session.add(DistrictPool(consultation_id=consultation.id,
                                    district_id=by_name[name].id, amount=Decimal(amount)))
    for name in districts:
        db.session.add(EligibleDistrict(consultation_id=consultation.id,
                                        district_id=by_name[name].id))
    if method is VotingMethod.YES_NO:
        for number, text in enumerate(questions, start=1):
            question = VotingQuestion(consultation_id=consultation.id, position=number,
                                      text=text)
            db.session.add(question)
            vote.questions.append(question)
    db.session.commit()
    vote.settings = settings
    return vote


def verified_voter(district: District | None = None, birth_year: int = 1980,
                   role: Role = Role.RESIDENT, **overrides) -> User:
    """A person (a resident unless `role` says otherwise) verified on the census, living in
    `district`."""
    user = make_user(role, **overrides)
    make_census(user, district, birth_year)
    db.session.expire(user)
    return user


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def ballots_of(vote: Vote) -> list[Ballot]:
    return list(db.session.scalars(select(Ballot).where(Ballot.consultation_id == vote.id)))


def roll_of(vote: Vote) -> list[VoterRoll]:
    return list(db.session.scalars(select(VoterRoll).where(VoterRoll.consultation_id == vote.id)))
