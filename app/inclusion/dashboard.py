"""Who takes part compared with who lives here: counts, shares and representation ratios.

Voters come from the voter roll (who voted, never what: ballots are not read), counted when
they have a consented profile, with district and age band from their census entry.

Only people with a consented profile are counted (withdrawing consent deletes the profile, so
they drop out of every count at once). Counts are never shown per person, and small counts are
suppressed so nobody can be singled out:

* primary suppression: a cell (one group of one breakdown) with fewer than
  ``SUPPRESS_BELOW`` people is hidden, zero included;
* secondary suppression: the total is shown, so the hidden cells' sum is known. When exactly
  one hidden cell has people in it (1 to 9), that sum would be its count, so the smallest
  shown cell is hidden too. A hidden cell that can still be worked out is always an empty
  one (0), which describes nobody; this keeps, say, men shown when nobody gave another
  answer to the gender question;
* a total below the threshold hides the whole breakdown.

A share or ratio is shown only for a cell whose count is shown. Breakdowns are one
dimension at a time (no cross-tables), so no other sum recovers a hidden cell.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, union

from app.accounts.models import CensusEntry
from app.consultations.models import Consultation, District
from app.discussion.models import Comment
from app.extensions import db
from app.inclusion.models import (
    AgeBand,
    Gender,
    InclusionProfile,
    PopulationCount,
    WorkSituation,
)
from app.proposals.models import Proposal, ProposalCoauthor, ProposalStatus
from app.supports.models import Pledge, Support
from app.votes.models import VoterRoll

SUPPRESS_BELOW = 10


class Activity(enum.StrEnum):
    """Ways of taking part, each counted separately; ANY is anyone who did any of them."""

    ANY = "any"
    PROPOSERS = "proposers"
    COMMENTERS = "commenters"
    SUPPORTERS = "supporters"
    PLEDGERS = "pledgers"
    VOTERS = "voters"

    @property
    def label(self) -> str:
        return str(ACTIVITY_LABELS[self])


ACTIVITY_LABELS = {
    Activity.ANY: _l("Everyone who took part"),
    Activity.PROPOSERS: _l("Proposers"),
    Activity.COMMENTERS: _l("Commenters"),
    Activity.SUPPORTERS: _l("Supporters"),
    Activity.PLEDGERS: _l("Pledgers"),
    Activity.VOTERS: _l("Voters"),
}


class Dimension(enum.StrEnum):
    GENDER = "gender"
    AGE_BAND = "age_band"
    DISTRICT = "district"
    WORK_SITUATION = "work_situation"

    @property
    def label(self) -> str:
        return str(DIMENSION_LABELS[self])


DIMENSION_LABELS = {
    Dimension.GENDER: _l("Gender"),
    Dimension.AGE_BAND: _l("Age"),
    Dimension.DISTRICT: _l("District"),
    Dimension.WORK_SITUATION: _l("Work situation"),
}

NOT_GIVEN = "none"


# --- pure statistics -------------------------------------------------------------------------


def suppress(counts: dict[str, int], threshold: int = SUPPRESS_BELOW) -> dict[str, int | None]:
    """The counts to show: None for each hidden cell (see the module's docstring)."""
    total = sum(counts.values())
    if total < threshold:
        return dict.fromkeys(counts)
    shown: dict[str, int | None] = {
        key: (count if count >= threshold else None) for key, count in counts.items()}
    hidden_with_people = [key for key, value in shown.items() if value is None and counts[key]]
    if len(hidden_with_people) == 1:
        visible = [key for key, value in shown.items() if value is not None]
        if visible:
            smallest = min(visible, key=lambda key: (counts[key], key))
            shown[smallest] = None
    return shown


@dataclass
class Cell:
    """One group of a breakdown, as shown."""

    key: str
    label: str
    count: int | None  # None when suppressed
    share: float | None  # among the counted participants
    population_share: float | None  # None where the population reference has no figure

    @property
    def ratio(self) -> float | None:
        """Share among participants over share in the population: 1 is representative."""
        if self.share is None or not self.population_share:
            return None
        return self.share / self.population_share


@dataclass
class Breakdown:
    dimension: Dimension
    total: int | None  # None when the whole breakdown is hidden
    cells: list[Cell] = field(default_factory=list)

    @property
    def any_suppressed(self) -> bool:
        return any(cell.count is None for cell in self.cells)


def breakdown(dimension: Dimension, counts: dict[str, int], labels: dict[str, str],
              population: dict[str, int] | None) -> Breakdown:
    """A breakdown with suppression applied, shares and population shares (pure)."""
    keys = [key for key in labels if key != NOT_GIVEN or counts.get(key)]
    full = {key: counts.get(key, 0) for key in keys}
    full.update({key: count for key, count in counts.items() if key not in full})
    shown = suppress(full)
    total = sum(full.values())
    population_total = sum(population.values()) if population else 0
    cells = []
    for key, count in shown.items():
        share = count / total if count is not None and total else None
        population_share = (population.get(key, 0) / population_total
                            if population and population_total and key in population else None)
        cells.append(Cell(key, labels.get(key, key), count, share, population_share))
    return Breakdown(dimension, total if total >= SUPPRESS_BELOW else None, cells)


# --- queries ---------------------------------------------------------------------------------


def _role_selects(role: Activity, consultation_id: int | None) -> list[Select]:
    """Queries for the ids of the people who took part in this way (in one consultation, or
    anywhere); flat, since SQLite does not take a union of unions."""
    def scoped(query: Select) -> Select:
        query = query.where(Proposal.status != ProposalStatus.DRAFT)
        if consultation_id is not None:
            query = query.where(Proposal.consultation_id == consultation_id)
        return query

    if role is Activity.PROPOSERS:
        return [scoped(select(Proposal.author_id.label("user_id"))
                       .where(Proposal.author_id.is_not(None))),
                scoped(select(ProposalCoauthor.user_id.label("user_id"))
                       .join(Proposal, Proposal.id == ProposalCoauthor.proposal_id))]
    if role is Activity.COMMENTERS:
        return [scoped(select(Comment.author_id.label("user_id"))
                       .join(Proposal, Proposal.id == Comment.proposal_id)
                       .where(Comment.author_id.is_not(None), Comment.deleted_at.is_(None)))]
    if role is Activity.SUPPORTERS:
        return [scoped(select(Support.user_id.label("user_id"))
                       .join(Proposal, Proposal.id == Support.proposal_id))]
    if role is Activity.PLEDGERS:
        return [scoped(select(Pledge.user_id.label("user_id"))
                       .join(Proposal, Proposal.id == Pledge.proposal_id)
                       .where(Pledge.organisation_id.is_(None)))]
    if role is Activity.VOTERS:
        query = select(VoterRoll.user_id.label("user_id")).where(VoterRoll.user_id.is_not(None))
        if consultation_id is not None:
            query = query.where(VoterRoll.consultation_id == consultation_id)
        return [query]
    return [query for each in ROLES_COUNTED for query in _role_selects(each, consultation_id)]


def _role_query(role: Activity, consultation_id: int | None):
    selects = _role_selects(role, consultation_id)
    return union(*selects) if len(selects) > 1 else selects[0]


ROLES_COUNTED = (Activity.PROPOSERS, Activity.COMMENTERS, Activity.SUPPORTERS, Activity.PLEDGERS,
                 Activity.VOTERS)


def _profiles_of(role: Activity, consultation_id: int | None) -> list[tuple[str, str, str, str]]:
    """(gender, age band, district id or NOT_GIVEN, work situation) of each counted person."""
    if role is Activity.VOTERS:
        return _voter_profiles(consultation_id)
    ids = _role_query(role, consultation_id).subquery()
    rows = db.session.execute(
        select(InclusionProfile.gender, InclusionProfile.age_band, InclusionProfile.district_id,
               InclusionProfile.work_situation)
        .where(InclusionProfile.user_id.in_(select(ids.c.user_id)))).all()
    return [(g.value, a.value, str(d) if d is not None else NOT_GIVEN, w.value)
            for g, a, d, w in rows]

def _voter_profiles(consultation_id: int | None) -> list[tuple[str, str, str, str]]:
    """Voters on the voter roll who gave a consented profile: district and age band from
    their census entry (the city's register), gender and work situation from the profile.

    Never from ballots: the roll says who voted, the ballot what, and the two are not linked.
    Age is the voting year minus the census birth year (the census keeps the year only).
    """
    query = (select(VoterRoll.user_id, InclusionProfile.gender, InclusionProfile.age_band,
                    InclusionProfile.district_id, InclusionProfile.work_situation,
                    CensusEntry.birth_year, CensusEntry.district_id,
                    Consultation.voting_from)
             .join(InclusionProfile, InclusionProfile.user_id == VoterRoll.user_id)
             .join(Consultation, Consultation.id == VoterRoll.consultation_id)
             .outerjoin(CensusEntry, CensusEntry.id == VoterRoll.census_entry_id)
             .order_by(VoterRoll.id))
    if consultation_id is not None:
        query = query.where(VoterRoll.consultation_id == consultation_id)
    people: dict[int, tuple[str, str, str, str]] = {}
    for (user_id, gender, band, district_id, work, birth_year, census_district,
         voting_from) in db.session.execute(query).all():
        if user_id in people:  # platform-wide: each person once
            continue
        if birth_year is not None:
            band = AgeBand.for_age(voting_from.year - birth_year) or band
        if census_district is not None:
            district_id = census_district
        people[user_id] = (gender.value, band.value,
                           str(district_id) if district_id is not None else NOT_GIVEN,
                           work.value)
    return list(people.values())


def labels_for(dimension: Dimension, district_names: dict[int, str]) -> dict[str, str]:
    if dimension is Dimension.GENDER:
        return {gender.value: gender.label for gender in Gender}
    if dimension is Dimension.AGE_BAND:
        return {band.value: band.label for band in AgeBand}
    if dimension is Dimension.WORK_SITUATION:
        return {situation.value: situation.label for situation in WorkSituation}
    labels = {str(district_id): name for district_id, name in district_names.items()}
    labels[NOT_GIVEN] = str(_l("Not given"))
    return labels


def population_by(dimension: Dimension) -> dict[str, int] | None:
    """Population counts per group of a dimension; None where statistics have no figures."""
    if dimension is Dimension.WORK_SITUATION:
        return None
    column = {Dimension.GENDER: PopulationCount.gender,
              Dimension.AGE_BAND: PopulationCount.age_band,
              Dimension.DISTRICT: PopulationCount.district_id}[dimension]
    totals: Counter[str] = Counter()
    for key, count in db.session.execute(select(column, PopulationCount.count)).all():
        totals[str(key.value if isinstance(key, enum.Enum) else key)] += count
    return dict(totals) or None


def district_names() -> dict[int, str]:
    return {district.id: district.name
            for district in db.session.scalars(select(District).order_by(District.name))}


DIMENSION_INDEX = {Dimension.GENDER: 0, Dimension.AGE_BAND: 1, Dimension.DISTRICT: 2,
                   Dimension.WORK_SITUATION: 3}


def _breakdowns(people: Sequence[tuple[str, str, str, str]], district_names: dict[int, str],
                populations: dict[Dimension, dict[str, int] | None]) -> list[Breakdown]:
    result = []
    for dimension in Dimension:
        counts = Counter(person[DIMENSION_INDEX[dimension]] for person in people)
        result.append(breakdown(dimension, dict(counts), labels_for(dimension, district_names),
                                populations[dimension]))
    return result


@dataclass
class ActivityReport:
    role: Activity
    counted: int  # people with a profile, before suppression (shown only as a total)
    breakdowns: list[Breakdown]


def dashboard(consultation: Consultation | None) -> dict[str, Any]:
    """Every role's breakdowns for one consultation, or for the whole platform."""
    names = district_names()
    populations = {dimension: population_by(dimension) for dimension in Dimension}
    consultation_id = consultation.id if consultation else None
    reports = []
    for role in Activity:
        people = _profiles_of(role, consultation_id)
        reports.append(ActivityReport(role, len(people), _breakdowns(people, names, populations)))
    return {"reports": reports, "has_population": any(populations.values()),
            "threshold": SUPPRESS_BELOW}


@dataclass
class TrendPoint:
    consultation: Consultation
    breakdown: Breakdown


def trend(dimension: Dimension, consultations: Iterable[Consultation]) -> list[TrendPoint]:
    """Everyone who took part, by one dimension, consultation after consultation."""
    names = district_names()
    population = population_by(dimension)
    labels = labels_for(dimension, names)
    points = []
    for consultation in consultations:
        people = _profiles_of(Activity.ANY, consultation.id)
        counts = Counter(person[DIMENSION_INDEX[dimension]] for person in people)
        points.append(TrendPoint(consultation, breakdown(dimension, dict(counts), labels,
                                                         population)))
    return points


def consultations_in_order() -> list[Consultation]:
    return list(db.session.scalars(
        select(Consultation).order_by(Consultation.proposals_from, Consultation.id)))
