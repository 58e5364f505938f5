"""What the open-data API and the exports publish, read in a fixed number of queries per page.

Only what the site shows to a visitor who is not signed in is published: consultations, strategy
goals and indicators, and proposals once they leave the draft (drafts are seen only by their
authors). People appear only as the public names of a proposal's authors, as on its page;
supporters and pledgers are only counted, and the history of a proposal says when its status
changed and why, not who changed it. No email address, account number or census data is ever
put into an answer (tests/api/test_privacy.py walks every answer over the demo city).

The visibility rule lives in one place, `is_published()` (with `PUBLIC_STATUSES`): past the
draft, and not hidden by moderators (after reports or with a reason), as the site's listing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.api.errors import BadParameter
from app.consultations.models import Consultation, District, Indicator, IndicatorValue, StrategyGoal
from app.extensions import db
from app.organisations.models import Organisation
from app.proposals.models import (
    Proposal,
    ProposalCoauthor,
    ProposalGoal,
    ProposalStatus,
    ProposalStatusChange,
    Sector,
)
from app.proposals.services import LISTED_STATUSES, WHOLE_CITY, goal_tree
from app.supports.models import Pledge, PledgeRole
from app.supports.services import LEGAL_PERSONS_MINIMUM, NATURAL_PERSONS_MINIMUM

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
#: Proposals the API and the exports publish: every status but the draft, as on the site.
PUBLIC_STATUSES = LISTED_STATUSES


def is_published():
    """The condition a proposal meets to be published: listed status, not hidden."""
    return Proposal.status.in_(PUBLIC_STATUSES) & Proposal.hidden_state.is_(None)

PAGE_PARAMETERS = ("page", "per_page")
PROPOSAL_FILTERS = ("consultation", "sector", "district", "goal", "status")


# --- parameters -------------------------------------------------------------------------------

def reject_unknown(args: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Refuse any parameter not in `allowed`, naming it and what is accepted."""
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise BadParameter(_("Unknown parameter: %(names)s. Accepted: %(accepted)s.",
                             names=", ".join(unknown),
                             accepted=", ".join(allowed) or _("none, this address takes "
                                                              "no parameters")))


def _whole_number(args: Mapping[str, str], name: str, low: int, high: int,
                  default: int | None = None) -> int | None:
    text = args.get(name)
    if text is None:
        return default
    text = text.strip()
    if not text.isdigit() or len(text) > 9 or not low <= int(text) <= high:
        raise BadParameter(_("Parameter %(name)s must be a whole number from %(low)s to "
                             "%(high)s.", name=name, low=low, high=high))
    return int(text)


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = PER_PAGE


def parse_page(args: Mapping[str, str], filters: Iterable[str] = ()) -> PageRequest:
    """`page` and `per_page` (1 to 100), refusing any parameter not in `filters`."""
    reject_unknown(args, (*filters, *PAGE_PARAMETERS))
    return PageRequest(page=_whole_number(args, "page", 1, MAX_PAGE, 1),
                       per_page=_whole_number(args, "per_page", 1, MAX_PER_PAGE, PER_PAGE))


@dataclass(frozen=True)
class ProposalFilters:
    """The public listing's allow-listed filters; an unknown value is an error here."""

    consultation_id: int | None = None
    sector: Sector | None = None
    district: str | None = None  # a district id as text, or "city"
    goal_id: int | None = None
    status: ProposalStatus | None = None

    def query_args(self) -> dict[str, str]:
        args = {"consultation": str(self.consultation_id or ""),
                "sector": self.sector.value if self.sector else "",
                "district": self.district or "", "goal": str(self.goal_id or ""),
                "status": self.status.value if self.status else ""}
        return {key: value for key, value in args.items() if value}


def _choice(args: Mapping[str, str], name: str, values: Sequence[str]) -> str | None:
    text = args.get(name)
    if text is None:
        return None
    if text.strip() not in values:
        raise BadParameter(_("Parameter %(name)s must be one of: %(values)s.", name=name,
                             values=", ".join(values)))
    return text.strip()


def parse_proposal_filters(args: Mapping[str, str]) -> ProposalFilters:
    """Read the proposal filters (unknown names and values are refused)."""
    sector = _choice(args, "sector", [s.value for s in Sector])
    status = _choice(args, "status", [s.value for s in PUBLIC_STATUSES])
    district = args.get("district")
    if district is not None:
        district = district.strip()
        if district != WHOLE_CITY and not (district.isdigit() and 0 < len(district) <= 9
                                           and int(district) > 0):
            raise BadParameter(_("Parameter district must be a district id or \"%(city)s\" "
                                 "for projects for the whole city.", city=WHOLE_CITY))
    return ProposalFilters(
        consultation_id=_whole_number(args, "consultation", 1, 999_999_999),
        sector=Sector(sector) if sector else None, district=district,
        goal_id=_whole_number(args, "goal", 1, 999_999_999),
        status=ProposalStatus(status) if status else None)


# --- values -----------------------------------------------------------------------------------

def decimal_text(value: Decimal | None) -> str | None:
    """An exact decimal as text without needless zeros: "12.5", "1000", "-0.25"."""
    if value is None:
        return None
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def money_text(value: Decimal) -> str:
    """An amount in złoty with two decimals: "250000.00"."""
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _time(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _public_name(user: User | None) -> str | None:
    if user is None or user.is_deleted or not user.display_name:
        return None
    return user.display_name


# --- consultations ----------------------------------------------------------------------------

def consultations_query() -> Select:
    """Every consultation, newest first (all of them are public)."""
    return select(Consultation).order_by(Consultation.proposals_from.desc(),
                                         Consultation.id.desc())


def proposal_counts(consultation_ids: Sequence[int]) -> dict[int, int]:
    """Public proposals per consultation, in one query."""
    if not consultation_ids:
        return {}
    rows = db.session.execute(
        select(Proposal.consultation_id, func.count())
        .where(Proposal.consultation_id.in_(consultation_ids),
               is_published())
        .group_by(Proposal.consultation_id))
    return dict(rows.all())


def consultation_titles(consultation_ids: Iterable[int]) -> dict[int, str]:
    """Titles of these consultations, in one query."""
    ids = list(consultation_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Consultation.id, Consultation.title)
                                   .where(Consultation.id.in_(ids))).all())


def consultation_data(consultation: Consultation, proposal_count: int) -> dict[str, Any]:
    """A consultation as the API publishes it (URLs are added by the view)."""
    return {
        "id": consultation.id,
        "title": consultation.title,
        "summary": consultation.summary,
        "description": consultation.description,
        "phase": consultation.phase_today().value,
        "phases": {phase.value: start.isoformat()
                   for phase, start in consultation.phase_starts()},
        "support_threshold": consultation.support_threshold,
        "proposal_count": proposal_count,
    }


# --- proposals --------------------------------------------------------------------------------

def proposals_query(filters: ProposalFilters) -> Select:
    """Public proposals matching the filters, oldest first (a stable order for paging)."""
    query = (select(Proposal)
             .options(joinedload(Proposal.district), joinedload(Proposal.author))
             .where(is_published()))
    if filters.status is not None:
        query = query.where(Proposal.status == filters.status)
    if filters.consultation_id:
        query = query.where(Proposal.consultation_id == filters.consultation_id)
    if filters.sector is not None:
        query = query.where(Proposal.sector == filters.sector)
    if filters.district == WHOLE_CITY:
        query = query.where(Proposal.district_id.is_(None))
    elif filters.district:
        query = query.where(Proposal.district_id == int(filters.district))
    if filters.goal_id:
        serving = (select(ProposalGoal.proposal_id)
                   .join(StrategyGoal, StrategyGoal.id == ProposalGoal.goal_id)
                   .where(or_(StrategyGoal.id == filters.goal_id,
                              StrategyGoal.parent_id == filters.goal_id)))
        query = query.where(Proposal.id.in_(serving))
    return query.order_by(Proposal.id)


def get_public_proposal(proposal_id: int) -> Proposal | None:
    """A proposal a visitor may see, with its district and author; None for a draft."""
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.district), joinedload(Proposal.author),
                 joinedload(Proposal.consultation)))
    if (proposal is None or proposal.status not in PUBLIC_STATUSES
            or proposal.hidden_state is not None):
        return None
    return proposal


@dataclass
class ProposalFacts:
    """What is gathered for a page of proposals in one query each."""

    coauthors: dict[int, list[str]]
    goals: dict[int, list[dict[str, Any]]]
    pledges: dict[int, dict[str, Any]]


def proposal_facts(proposal_ids: Sequence[int]) -> ProposalFacts:
    """Co-authors' public names, goals and pledge counts for these proposals: three queries."""
    coauthors: dict[int, list[str]] = defaultdict(list)
    goals: dict[int, list[dict[str, Any]]] = defaultdict(list)
    counted: dict[int, Counter] = defaultdict(Counter)
    if proposal_ids:
        for proposal_id, name in db.session.execute(
                select(ProposalCoauthor.proposal_id, User.display_name)
                .join(User, User.id == ProposalCoauthor.user_id)
                .where(ProposalCoauthor.proposal_id.in_(proposal_ids),
                       User.deleted_at.is_(None), User.display_name.is_not(None))
                .order_by(User.display_name, User.id)):
            coauthors[proposal_id].append(name)
        for proposal_id, goal_id, code in db.session.execute(
                select(ProposalGoal.proposal_id, StrategyGoal.id, StrategyGoal.code)
                .join(StrategyGoal, StrategyGoal.id == ProposalGoal.goal_id)
                .where(ProposalGoal.proposal_id.in_(proposal_ids))
                .order_by(StrategyGoal.code)):
            goals[proposal_id].append({"id": goal_id, "code": code})
        is_legal = Pledge.organisation_id.is_not(None)
        for proposal_id, role, legal, number in db.session.execute(
                select(Pledge.proposal_id, Pledge.role, is_legal, func.count())
                .where(Pledge.proposal_id.in_(proposal_ids))
                .group_by(Pledge.proposal_id, Pledge.role, is_legal)):
            counted[proposal_id][(PledgeRole(role), bool(legal))] += number
    return ProposalFacts(coauthors=coauthors, goals=goals,
                         pledges={pid: pledge_summary(counted.get(pid, Counter()))
                                  for pid in proposal_ids})


def pledge_summary(counts: Counter) -> dict[str, Any]:
    """Pledges by kind against the legal minimum to found a cooperative (people only counted)."""
    natural = counts[(PledgeRole.MEMBER, False)]
    legal = counts[(PledgeRole.MEMBER, True)]
    return {
        "members_natural_persons": natural,
        "members_legal_persons": legal,
        "workers": counts[(PledgeRole.WORKER, False)] + counts[(PledgeRole.WORKER, True)],
        "volunteers": (counts[(PledgeRole.VOLUNTEER, False)]
                       + counts[(PledgeRole.VOLUNTEER, True)]),
        "minimum_met": natural >= NATURAL_PERSONS_MINIMUM or legal >= LEGAL_PERSONS_MINIMUM,
        "hybrid": natural > 0 and legal > 0,
    }


def proposal_data(proposal: Proposal, facts: ProposalFacts) -> dict[str, Any]:
    """A proposal's public facts, as in the listing (URLs are added by the view)."""
    author = _public_name(proposal.author)
    district: District | None = proposal.district
    return {
        "id": proposal.id,
        "consultation_id": proposal.consultation_id,
        "title": proposal.title,
        "sector": proposal.sector.value,
        "district": {"id": district.id, "name": district.name} if district else None,
        "estimated_cost": money_text(proposal.estimated_cost),
        "expected_jobs": proposal.expected_jobs,
        "status": proposal.status.value,
        "goals": facts.goals.get(proposal.id, []),
        "authors": ([author] if author else []) + facts.coauthors.get(proposal.id, []),
        "support_count": proposal.support_count,
        "qualified": proposal.qualified_at is not None,
        "comment_count": proposal.comment_count,
        "pledges": facts.pledges[proposal.id],
        "created_at": _time(proposal.created_at),
        "updated_at": _time(proposal.updated_at),
    }


def proposal_details(proposal: Proposal) -> dict[str, Any]:
    """One proposal with its text, status history and pledging organisations."""
    data = proposal_data(proposal, proposal_facts([proposal.id]))
    history = db.session.execute(
        select(ProposalStatusChange.status, ProposalStatusChange.changed_at,
               ProposalStatusChange.note)
        .where(ProposalStatusChange.proposal_id == proposal.id)
        .order_by(ProposalStatusChange.changed_at, ProposalStatusChange.id)).all()
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name, Pledge.role)
        .join(Pledge, Pledge.organisation_id == Organisation.id)
        .where(Pledge.proposal_id == proposal.id)
        .order_by(func.lower(Organisation.name), Organisation.id)).all()
    data.update({
        "status_reason": proposal.status_reason,
        "body_markdown": proposal.body_markdown,
        "body_html": proposal.body_html,
        "history": [{"status": ProposalStatus(status).value, "changed_at": _time(at),
                     "note": note} for status, at, note in history],
        "pledging_organisations": [{"id": i, "name": name, "role": PledgeRole(role).value}
                                   for i, name, role in organisations],
    })
    return data


# --- strategy goals and indicators ------------------------------------------------------------

def _indicators_by_goal(goal_ids: Sequence[int] | None = None) -> dict[int, list[dict]]:
    """Indicators with their yearly values, by goal: two queries."""
    query = select(Indicator).order_by(Indicator.name, Indicator.id)
    if goal_ids is not None:
        query = query.where(Indicator.goal_id.in_(goal_ids))
    indicators = list(db.session.scalars(query))
    values: dict[int, list[dict]] = defaultdict(list)
    if indicators:
        for indicator_id, year, value in db.session.execute(
                select(IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.value)
                .where(IndicatorValue.indicator_id.in_([i.id for i in indicators]))
                .order_by(IndicatorValue.year)):
            values[indicator_id].append({"year": year, "value": decimal_text(value)})
    by_goal: dict[int, list[dict]] = defaultdict(list)
    for indicator in indicators:
        by_goal[indicator.goal_id].append({
            "id": indicator.id, "name": indicator.name, "unit": indicator.unit,
            "source": indicator.source, "baseline": decimal_text(indicator.baseline),
            "baseline_year": indicator.baseline_year, "target": decimal_text(indicator.target),
            "target_year": indicator.target_year, "values": values[indicator.id]})
    return by_goal


def _goal_data(goal: StrategyGoal, indicators: dict[int, list[dict]]) -> dict[str, Any]:
    return {"id": goal.id, "code": goal.code, "title": goal.title,
            "description": goal.description, "parent_id": goal.parent_id,
            "indicators": indicators.get(goal.id, [])}


def goals_tree() -> list[dict[str, Any]]:
    """The whole strategy: goals in code order, objectives nested, indicators with values."""
    indicators = _indicators_by_goal()

    def node(item) -> dict[str, Any]:
        data = _goal_data(item.goal, indicators)
        data["objectives"] = [node(child) for child in item.children]
        return data

    return [node(item) for item in goal_tree()]


def goal_details(goal_id: int) -> dict[str, Any] | None:
    """One goal with its indicators and its objectives (each with theirs)."""
    goal = db.session.get(StrategyGoal, goal_id)
    if goal is None:
        return None
    children = sorted(db.session.scalars(select(StrategyGoal)
                                         .where(StrategyGoal.parent_id == goal.id)),
                      key=lambda g: g.code)
    indicators = _indicators_by_goal([goal.id, *(child.id for child in children)])
    data = _goal_data(goal, indicators)
    data["objectives"] = [{**_goal_data(child, indicators), "objectives": []}
                          for child in children]
    return data


def flat_goals() -> Iterator[tuple[StrategyGoal, StrategyGoal | None]]:
    """Every goal in reading order with its parent, for the CSV export."""
    def walk(items, parent):
        for item in items:
            yield item.goal, parent
            yield from walk(item.children, item.goal)

    yield from walk(goal_tree(), None)


def indicator_rows() -> Iterator[tuple[StrategyGoal, Indicator, IndicatorValue | None]]:
    """Every indicator value with its indicator and goal (an indicator without values once)."""
    rows = db.session.execute(
        select(StrategyGoal, Indicator, IndicatorValue)
        .join(Indicator, Indicator.goal_id == StrategyGoal.id)
        .outerjoin(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .order_by(StrategyGoal.code, Indicator.name, Indicator.id, IndicatorValue.year))
    yield from rows
