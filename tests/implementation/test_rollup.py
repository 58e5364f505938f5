"""Cost-weighted roll-ups per consultation and per strategy goal, against hand-computed sums."""

from __future__ import annotations

from decimal import Decimal

from app.implementation import services
from app.implementation.models import ImplementationStatus
from tests.factories import make_consultation, make_goal, make_proposal
from tests.implementation.helpers import funded


def _city(app):
    """Goals 1 (with objective 1.1) and 2; projects:

    P1 100 000 zł, 50%, goals 1 and 2        -> 5 000 000
    P2 300 000 zł, 10%, objective 1.1 and 1  -> 3 000 000
    P3  50 000 zł, cancelled at 80%, goal 2  -> left out, counted as cancelled
    P4 150 000 zł, 40%, goal 2               -> 6 000 000
    P5 999 999 zł, accepted but not funded   -> left out
    """
    consultation = make_consultation("results")
    one, two = make_goal("1"), make_goal("2")
    one_one = make_goal("1.1", parent=one)
    funded(consultation, cost="100000", goals=[one, two], progress=50)
    funded(consultation, cost="300000", goals=[one_one, one], progress=10)
    funded(consultation, cost="50000", goals=[two], progress=80,
           status=ImplementationStatus.CANCELLED)
    funded(consultation, cost="150000", goals=[two], progress=40)
    make_proposal(consultation, goals=[one], estimated_cost=Decimal("999999"))
    return consultation, one, two, one_one


def test_consultation_rollup_is_cost_weighted_and_leaves_out_cancelled(app):
    consultation, *_ = _city(app)
    rollup, rows = services.consultation_rollup(consultation)
    assert len(rows) == 4  # the cancelled project is listed, the unfunded one is not
    assert rollup.projects == 3 and rollup.cancelled == 1
    assert rollup.funded_cost == Decimal("550000")
    # (5 000 000 + 3 000 000 + 6 000 000) / 550 000 = 280/11 = 25.4545...
    assert rollup.progress == Decimal(280) / Decimal(11)
    assert services.percent(rollup.progress) == Decimal("25.5")


def test_goal_summaries_count_a_project_in_full_in_each_of_its_goals(app):
    consultation, *_ = _city(app)
    summaries = services.goal_summaries(consultation)
    assert [s.goal.code for s in summaries] == ["1", "2"]
    first, second = (s.rollup for s in summaries)
    # Goal 1: P1 and P2 (P2 once, though it serves the goal and its objective).
    assert (first.projects, first.cancelled, first.funded_cost) == (2, 0, Decimal("400000"))
    assert first.progress == Decimal(20)  # 8 000 000 / 400 000
    # Goal 2: P1 (in full, not split) and P4; P3 cancelled.
    assert (second.projects, second.cancelled, second.funded_cost) == (2, 1, Decimal("250000"))
    assert second.progress == Decimal(44)  # 11 000 000 / 250 000
    # So the goals add up to more than the consultation (P1 counts twice).
    assert first.funded_cost + second.funded_cost > Decimal("550000")


def test_goal_summaries_only_count_the_consultations_projects(app):
    consultation, one, *_ = _city(app)
    other = make_consultation("results")
    funded(other, cost="1000000", goals=[one], progress=100)
    assert services.goal_summaries(consultation)[0].rollup.funded_cost == Decimal("400000")
    # The goal page's roll-up covers every consultation: 8 000 000 + 100 000 000 over 1 400 000.
    rollup = services.goal_rollup([one.id])
    assert rollup.funded_cost == Decimal("1400000")
    assert rollup.progress == Decimal(108_000_000) / Decimal(1_400_000)


def test_projects_without_a_state_are_planned_at_zero(app):
    consultation = make_consultation("results")
    funded(consultation, cost="200000")
    funded(consultation, cost="600000", progress=100, status=ImplementationStatus.DONE)
    rollup, rows = services.consultation_rollup(consultation)
    assert [(r.status, r.progress) for r in rows] == [
        (ImplementationStatus.DONE, 100), (ImplementationStatus.PLANNED, 0)]
    assert rollup.progress == Decimal(75)  # 60 000 000 / 800 000


def test_nothing_funded_has_no_progress(app):
    consultation = make_consultation("results")
    make_proposal(consultation)
    rollup, rows = services.consultation_rollup(consultation)
    assert rows == [] and rollup.progress is None and rollup.funded_cost == 0
    assert services.goal_summaries(consultation) == []


def test_all_cancelled_has_no_progress(app):
    consultation = make_consultation("results")
    funded(consultation, cost="10", progress=30, status=ImplementationStatus.CANCELLED)
    rollup, _ = services.consultation_rollup(consultation)
    assert rollup.progress is None and rollup.cancelled == 1
