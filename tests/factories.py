"""Factories for the domain rows, with overrides; they write straight to the database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from app.accounts.models import User
from app.consultations.models import Consultation, District, Indicator, StrategyGoal
from app.db_types import utcnow
from app.discussion.models import Comment, Stance
from app.extensions import db
from app.proposals.models import Proposal, ProposalGoal, ProposalStatus, Sector
from app.text import fold, render_markdown

_sequence = {"n": 0}


def _next() -> int:
    _sequence["n"] += 1
    return _sequence["n"]


def make_district(name: str | None = None) -> District:
    district = District(name=name or f"Dzielnica {_next()}")
    db.session.add(district)
    db.session.commit()
    return district


def make_consultation(phase: str = "proposals", **overrides) -> Consultation:
    """A consultation whose current phase (today) is `phase`."""
    today = date.today()
    order = ["proposals", "review", "deliberation", "voting", "results"]
    if phase == "upcoming":
        starts = [today + timedelta(days=10 * (i + 1)) for i in range(5)]
    else:
        current = order.index(phase)
        starts = [today + timedelta(days=10 * (i - current)) for i in range(5)]
    number = _next()
    values = dict(
        title=f"Konsultacje {number}", summary="Spółdzielnie rozwojowe dla miasta",
        description="Opis konsultacji.", proposals_from=starts[0], review_from=starts[1],
        deliberation_from=starts[2], voting_from=starts[3], results_from=starts[4],
        support_threshold=3,
    )
    values.update(overrides)
    consultation = Consultation(**values)
    db.session.add(consultation)
    db.session.commit()
    return consultation


def make_goal(code: str | None = None, parent: StrategyGoal | None = None,
              **overrides) -> StrategyGoal:
    number = _next()
    goal = StrategyGoal(code=code or f"{number}", title=overrides.pop("title", f"Cel {number}"),
                        description=overrides.pop("description", "Opis celu."),
                        parent_id=parent.id if parent else None, **overrides)
    db.session.add(goal)
    db.session.commit()
    return goal


def make_indicator(goal: StrategyGoal, **overrides) -> Indicator:
    values = dict(name=f"Wskaźnik {_next()}", unit="%", source="GUS BDL",
                  baseline=Decimal("10"), baseline_year=2020, target=Decimal("20"),
                  target_year=2030)
    values.update(overrides)
    indicator = Indicator(goal_id=goal.id, **values)
    db.session.add(indicator)
    db.session.commit()
    return indicator


def make_proposal(consultation: Consultation, author: User | None = None, *,
                  goals: list[StrategyGoal] = (),
                  status: ProposalStatus = ProposalStatus.SUBMITTED, **overrides) -> Proposal:
    number = _next()
    title = overrides.pop("title", f"Projekt spółdzielni {number}")
    body = overrides.pop("body_markdown", "Opis **projektu** spółdzielni.")
    proposal = Proposal(
        consultation_id=consultation.id, author_id=author.id if author else None,
        title=title, body_markdown=body, body_html=str(render_markdown(body)),
        sector=overrides.pop("sector", Sector.ENERGY),
        estimated_cost=overrides.pop("estimated_cost", Decimal("250000")),
        expected_jobs=overrides.pop("expected_jobs", 4), status=status,
        search_text=fold(f"{title} {body}"), **overrides,
    )
    db.session.add(proposal)
    db.session.flush()
    for goal in goals:
        db.session.add(ProposalGoal(proposal_id=proposal.id, goal_id=goal.id))
    db.session.commit()
    return proposal


def make_comment(proposal: Proposal, author: User | None, *, parent: Comment | None = None,
                 stance: Stance = Stance.FOR, body: str = "Dobry pomysł.") -> Comment:
    comment = Comment(proposal_id=proposal.id, author_id=author.id if author else None,
                      parent_id=parent.id if parent else None,
                      depth=parent.depth + 1 if parent else 0, stance=stance, body=body,
                      created_at=utcnow())
    db.session.add(comment)
    proposal.comment_count += 1
    db.session.commit()
    return comment
