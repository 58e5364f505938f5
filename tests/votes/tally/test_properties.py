"""Properties that hold for every election: budgets kept, greedy maximal, Equal Shares as written.

Random small elections (up to 6 projects and 8 voters) are drawn by Hypothesis; the fast engine
is compared with the textbook Equal Shares in `helpers.py` and with pabutools.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.votes.tally import RULES, Election, equal_shares, format_pabulib, parse_pabulib, tally
from app.votes.tally.greedy import greedy_order
from app.votes.tally.outcome import project_scores
from tests.votes.tally.helpers import election, reference_equal_shares
from tests.votes.tally.pabutools_bridge import pabutools_mes

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
PROJECT_IDS = ["1", "2", "9", "10", "a", "L/1"]


@st.composite
def elections(draw, vote_type: str = "approval", free: bool = True) -> Election:
    count = draw(st.integers(1, len(PROJECT_IDS)))
    ids = PROJECT_IDS[:count]
    low = 0 if free else 1
    costs = {pid: draw(st.integers(low, 40)) for pid in ids}
    voters = draw(st.integers(0, 8))
    ballots = [draw(st.lists(st.sampled_from(ids), unique=True, max_size=count))
               for _ in range(voters)]
    points = None
    if vote_type == "cumulative":
        points = [[draw(st.integers(1, 5)) for _ in ballot] for ballot in ballots]
    budget = draw(st.integers(0, 120))
    meta = {}
    if draw(st.booleans()):
        meta["min_project_score_threshold"] = str(draw(st.integers(0, 4)))
    return election(costs, ballots, budget, vote_type=vote_type, points=points, **meta)


def _eligible(e: Election) -> list[str]:
    scores = project_scores(e)
    threshold = e.meta_number("min_project_score_threshold")
    return [pid for pid in e.projects
            if scores[pid] > 0 and (threshold is None or scores[pid] >= threshold)]


@FAST
@given(st.one_of(elections(), elections("ordinal"), elections("cumulative")),
       st.sampled_from(sorted(RULES)))
def test_no_rule_ever_spends_more_than_the_budget(e, rule):
    if rule == "greedy-threshold" and "min_project_score_threshold" not in e.meta:
        return
    outcome = tally(e, rule)
    assert outcome.total_cost == sum(e.projects[p].cost for p in outcome.selected)
    assert outcome.total_cost <= e.budget
    assert len(set(outcome.selected)) == len(outcome.selected)


@FAST
@given(st.one_of(elections(), elections("ordinal"), elections("cumulative")))
def test_greedy_leaves_no_eligible_project_that_would_still_fit(e):
    outcome = tally(e, "greedy")
    left = e.budget - outcome.total_cost
    for pid in _eligible(e):
        if pid not in outcome.selected:
            assert e.projects[pid].cost > left, pid
    assert set(outcome.selected) <= set(_eligible(e))


@FAST
@given(st.one_of(elections(), elections("cumulative")))
def test_greedy_no_skip_takes_a_prefix_of_the_ranking(e):
    outcome = tally(e, "greedy-no-skip")
    ranking = [pid for pid in greedy_order(e, project_scores(e)) if pid in _eligible(e)]
    assert list(outcome.selected) == ranking[:len(outcome.selected)]
    if len(outcome.selected) < len(ranking):
        following = ranking[len(outcome.selected)]
        assert outcome.total_cost + e.projects[following].cost > e.budget


@FAST
@given(elections())
def test_fast_equal_shares_equals_the_textbook_one(e):
    assert list(equal_shares(e, completion=None).selected) == reference_equal_shares(
        e, completion=False)
    assert list(equal_shares(e).selected) == reference_equal_shares(e, completion=True)
    assert list(equal_shares(e, stop_when_exhaustive=True).selected) == reference_equal_shares(
        e, completion=True, exhaustive_stop=True)
    assert list(equal_shares(e, comparison=True).selected) == reference_equal_shares(
        e, completion=True, comparison=True)


@SLOW
@given(elections(free=False))
def test_equal_shares_equals_pabutools(e):
    from app.votes.tally.equalshares import EqualShares, Profile, add1

    assert list(equal_shares(e, completion=None).selected) == pabutools_mes(e)
    if e.votes and e.budget:
        engine = EqualShares(Profile.from_election(e))
        chosen, extra = add1(engine, stop_when_exhaustive=True)
        ours = [engine.profile.ids[i] for i in chosen]
        if extra < 0:  # everything fits: same projects, but pabutools stops raising earlier
            assert sorted(ours) == sorted(pabutools_mes(e, add1=True))
        else:
            assert ours == pabutools_mes(e, add1=True)


NAMES = st.text(st.sampled_from('ab ;"ł,\n'), max_size=8).map(str.strip)


@FAST
@given(st.one_of(elections(), elections("ordinal"), elections("cumulative")), st.data())
def test_writing_and_reading_back_gives_the_same_election(e, data):
    for pid, project in list(e.projects.items()):
        e.projects[pid] = project.__class__(pid, project.cost + Fraction(data.draw(
            st.integers(0, 99)), 100), {"name": data.draw(NAMES)})
    e.project_columns = ("name",)
    e.meta["description"] = data.draw(NAMES)
    assert parse_pabulib(format_pabulib(e)) == e
