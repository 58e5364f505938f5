"""Implementation tracking of funded projects and the cost-weighted roll-ups.

Funded projects are the proposals with status `selected` or a later one (`in_implementation`,
`done`); publishing a result sets `selected`. A funded project without any staff update yet
counts as planned with 0% progress.

Roll-ups (consultation, strategy goal) are weighted by cost, in exact Decimal arithmetic:

    progress = sum(estimated_cost * progress) / sum(estimated_cost)

over the funded projects that are not cancelled (a cancelled project's money is not spent, so it
neither adds to the funded amount nor pulls the progress down; the count of cancelled projects
is reported beside it). A project serving two goals counts in full in each goal's roll-up — it is
not split between them — so the goals' amounts may add up to more than the consultation's. A
goal's roll-up covers the projects linked to the goal or to any of its objectives, each once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.consultations.models import Consultation, StrategyGoal
from app.consultations.services import natural_key
from app.db_types import utcnow
from app.extensions import db
from app.implementation.models import (
    CooperativeStage,
    ImplementationStatus,
    ImplementationUpdate,
    ProjectImplementation,
)
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalGoal, ProposalStatus
from app.proposals.services import change_status
from app.text import render_markdown

FUNDED_STATUSES = (ProposalStatus.SELECTED, ProposalStatus.IN_IMPLEMENTATION, ProposalStatus.DONE)
UPDATES_PER_PAGE = 20

#: The proposal status an implementation status moves a project to (others leave it as is).
PROPOSAL_STATUS_FOR = {
    ImplementationStatus.IN_PROGRESS: ProposalStatus.IN_IMPLEMENTATION,
    ImplementationStatus.DONE: ProposalStatus.DONE,
}


class ImplementationError(Exception):
    """A refused update; the message is shown to staff."""


def is_funded(proposal: Proposal) -> bool:
    return proposal.status in FUNDED_STATUSES


def state_of(proposal: Proposal) -> ProjectImplementation:
    """The project's implementation state; an unsaved "planned, 0%" one before any update."""
    state = db.session.get(ProjectImplementation, proposal.id)
    if state is None:
        state = ProjectImplementation(proposal_id=proposal.id,
                                      status=ImplementationStatus.PLANNED, progress=0)
    return state


def updates_page(proposal: Proposal, page: int = 1):
    """The project's updates, newest first, with their authors (one query plus the count)."""
    query = (select(ImplementationUpdate)
             .where(ImplementationUpdate.proposal_id == proposal.id)
             .options(selectinload(ImplementationUpdate.author))
             .order_by(ImplementationUpdate.update_date.desc(), ImplementationUpdate.id.desc()))
    return db.paginate(query, page=page, per_page=UPDATES_PER_PAGE, error_out=False)


def add_update(proposal: Proposal, actor: User, *, update_date: date,
               status: ImplementationStatus, progress: int,
               cooperative_stage: CooperativeStage | None, text: str) -> ImplementationUpdate:
    """Record a dated update by staff; one commit. The update dated last (on a tie, the one
    written last) is the project's current state: an update dated before the latest one goes
    into the history without changing the state.

    The proposal's own status follows (in progress → in implementation, done → done) through
    `change_status`, which tells the authors and followers; the update is in the audit log.
    """
    if not is_funded(proposal):
        raise ImplementationError("not-funded")
    if not 0 <= progress <= 100:
        raise ImplementationError("progress-range")
    if status is ImplementationStatus.DONE and progress != 100:
        raise ImplementationError("done-needs-100")
    latest = is_latest(proposal, update_date)
    state = db.session.get(ProjectImplementation, proposal.id)
    if state is None:
        state = ProjectImplementation(proposal_id=proposal.id)
        db.session.add(state)
    before = {"status": state.status.value if state.status else ImplementationStatus.PLANNED.value,
              "progress": state.progress or 0}
    if latest:
        state.status, state.progress = status, progress
        state.cooperative_stage = cooperative_stage
        state.updated_at = utcnow()
    text = (text or "").strip()
    update = ImplementationUpdate(
        proposal_id=proposal.id, update_date=update_date, status=status, progress=progress,
        cooperative_stage=cooperative_stage, text_markdown=text,
        text_html=str(render_markdown(text)), author_id=actor.id, created_at=utcnow())
    db.session.add(update)
    db.session.flush()
    new_proposal_status = PROPOSAL_STATUS_FOR.get(status) if latest else None
    if new_proposal_status is not None and proposal.status is not new_proposal_status:
        change_status(proposal, new_proposal_status, actor)
    record(actor, "implementation.update", "proposal", proposal.id,
           details={"update": update.id, "date": update_date.isoformat(),
                    "from": before, "to": {"status": status.value, "progress": progress},
                    "stage": cooperative_stage.value if cooperative_stage else None,
                    "current": latest})
    db.session.commit()
    return update


def is_latest(proposal: Proposal, update_date: date) -> bool:
    """Whether an update of this date would be the project's latest (so its current state)."""
    last = db.session.scalar(select(func.max(ImplementationUpdate.update_date))
                             .where(ImplementationUpdate.proposal_id == proposal.id))
    return last is None or update_date >= last


# --- roll-ups ---------------------------------------------------------------------------------

@dataclass
class Rollup:
    """Funded projects summed up: cost, count and cost-weighted progress (percent)."""

    funded_cost: Decimal = Decimal(0)
    projects: int = 0
    cancelled: int = 0
    weighted: Decimal = Decimal(0)  # sum of cost * progress

    @property
    def progress(self) -> Decimal | None:
        """sum(cost * progress) / sum(cost), exact; None when nothing is funded (or costs 0)."""
        if not self.funded_cost:
            return None
        return self.weighted / self.funded_cost

    def add(self, cost: Decimal, status: ImplementationStatus, progress: int) -> None:
        if status is ImplementationStatus.CANCELLED:
            self.cancelled += 1
            return
        self.projects += 1
        self.funded_cost += cost
        self.weighted += cost * progress


@dataclass
class ProjectRow:
    """A funded project with its implementation state, for lists."""

    proposal: Proposal
    status: ImplementationStatus
    progress: int
    cooperative_stage: CooperativeStage | None


@dataclass
class GoalSummary:
    goal: StrategyGoal
    rollup: Rollup = field(default_factory=Rollup)


def _states(proposal_ids: Collection[int]) -> dict[int, ProjectImplementation]:
    if not proposal_ids:
        return {}
    return {s.proposal_id: s for s in db.session.scalars(
        select(ProjectImplementation)
        .where(ProjectImplementation.proposal_id.in_(list(proposal_ids))))}


def rows_for(proposals: Iterable[Proposal]) -> list[ProjectRow]:
    """Each proposal with its state (one query); unknown state is planned at 0%."""
    proposals = list(proposals)
    states = _states([p.id for p in proposals])
    rows = []
    for proposal in proposals:
        state = states.get(proposal.id)
        rows.append(ProjectRow(
            proposal, state.status if state else ImplementationStatus.PLANNED,
            state.progress if state else 0, state.cooperative_stage if state else None))
    return rows


def rollup_of(rows: Iterable[ProjectRow]) -> Rollup:
    rollup = Rollup()
    for row in rows:
        rollup.add(Decimal(row.proposal.estimated_cost), row.status, row.progress)
    return rollup


def funded_projects(consultation: Consultation) -> list[ProjectRow]:
    """A consultation's funded projects, most expensive first (two queries)."""
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.consultation_id == consultation.id,
                               Proposal.status.in_(FUNDED_STATUSES))
        .order_by(Proposal.estimated_cost.desc(), Proposal.id))
    return rows_for(proposals)


def consultation_rollup(consultation: Consultation) -> tuple[Rollup, list[ProjectRow]]:
    rows = funded_projects(consultation)
    return rollup_of(rows), rows


def _goal_links(proposal_ids: Collection[int]) -> dict[int, set[int]]:
    """Top-level goal ids each proposal serves (an objective counts as its goal)."""
    links: dict[int, set[int]] = defaultdict(set)
    if not proposal_ids:
        return links
    rows = db.session.execute(
        select(ProposalGoal.proposal_id, StrategyGoal.id, StrategyGoal.parent_id)
        .join(StrategyGoal, StrategyGoal.id == ProposalGoal.goal_id)
        .where(ProposalGoal.proposal_id.in_(list(proposal_ids))))
    for proposal_id, goal_id, parent_id in rows:
        links[proposal_id].add(parent_id or goal_id)
    return links


def goal_summaries(consultation: Consultation) -> list[GoalSummary]:
    """Per top-level strategy goal: funded cost, number of projects and progress, over the
    consultation's funded projects serving the goal or one of its objectives. A project
    serving two goals counts in full in both. Goals no funded project serves are left out;
    goals in code order. Four queries whatever the number of projects.
    """
    rows = funded_projects(consultation)
    links = _goal_links([row.proposal.id for row in rows])
    goal_ids = {goal_id for ids in links.values() for goal_id in ids}
    goals = {g.id: g for g in db.session.scalars(
        select(StrategyGoal).where(StrategyGoal.id.in_(goal_ids)))} if goal_ids else {}
    summaries = {goal_id: GoalSummary(goal) for goal_id, goal in goals.items()}
    for row in rows:
        for goal_id in links.get(row.proposal.id, ()):
            summaries[goal_id].rollup.add(Decimal(row.proposal.estimated_cost), row.status,
                                          row.progress)
    return sorted(summaries.values(), key=lambda s: natural_key(s.goal.code))


def goal_rollup(goal_ids: Collection[int]) -> Rollup:
    """The roll-up over every consultation's funded projects serving any of these goals (a
    goal and its objectives), each project once. Two queries."""
    linked = select(ProposalGoal.proposal_id).where(ProposalGoal.goal_id.in_(list(goal_ids)))
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.id.in_(linked), Proposal.status.in_(FUNDED_STATUSES)))
    return rollup_of(rows_for(proposals))


def published_votes(proposal_ids: Collection[int]) -> dict[int, int]:
    """Votes per proposal from published results only (app/results); drafts are never shown."""
    from app.results import services as results

    if not proposal_ids:
        return {}
    return results.published_votes(list(proposal_ids))


def percent(value: Decimal | None) -> Decimal | None:
    """A roll-up's progress rounded to one decimal for display."""
    return None if value is None else value.quantize(Decimal("0.1"))
