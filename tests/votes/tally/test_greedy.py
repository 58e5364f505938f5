"""Greedy rules on hand-made elections whose outcomes can be checked on paper."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.votes.tally import TallyError, project_scores, tally
from app.votes.tally.greedy import greedy
from tests.votes.tally.helpers import election

# Votes: a 4, b 3, c 2, d 1. Budget 10.
COSTS = {"a": 6, "b": 5, "c": 3, "d": 1}
BALLOTS = [["a", "b", "c", "d"], ["a", "b", "c"], ["a", "b"], ["a"]]


def test_greedy_passes_over_a_project_that_no_longer_fits():
    outcome = tally(election(COSTS, BALLOTS, 10), "greedy")
    assert outcome.selected == ("a", "c", "d")  # b (5) does not fit after a (6)
    assert outcome.total_cost == 10


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    outcome = tally(election(COSTS, BALLOTS, 10), "greedy-no-skip")
    assert outcome.selected == ("a",)
    assert outcome.total_cost == 6


def test_threshold_keeps_projects_below_it_out():
    e = election(COSTS, BALLOTS, 10, min_project_score_threshold="2")
    assert tally(e, "greedy-threshold").selected == ("a", "c")
    # Every greedy rule honours the file's threshold: it is part of the city's rules.
    assert tally(e, "greedy").selected == ("a", "c")
    assert tally(e, "greedy-no-skip").selected == ("a",)


def test_threshold_rule_needs_the_threshold():
    with pytest.raises(TallyError, match="min_project_score_threshold"):
        tally(election(COSTS, BALLOTS, 10), "greedy-threshold")


def test_ties_go_to_the_cheaper_project_then_to_the_lower_id():
    costs = {"10": 4, "9": 4, "x": 3}
    ballots = [["10", "9", "x"], ["10", "9", "x"]]
    assert tally(election(costs, ballots, 7), "greedy").selected == ("x", "9")
    assert tally(election(costs, ballots, 8), "greedy").selected == ("x", "9")
    assert tally(election(costs, ballots, 11), "greedy").selected == ("x", "9", "10")


def test_projects_nobody_voted_for_are_never_funded():
    e = election({"a": 5, "free": 0, "cheap": 1}, [["a"], ["a"]], 10)
    assert tally(e, "greedy").selected == ("a",)


def test_ordinal_ballots_score_points_by_place():
    # Kraków: three places, 3/2/1 points (META max_length 3).
    ballots = [["p", "q", "r"], ["q", "r", "p"], ["r", "q", "p"]]
    e = election({"p": 5, "q": 5, "r": 5}, ballots, 10, vote_type="ordinal", max_length="3")
    assert project_scores(e) == {"p": 5, "q": 7, "r": 6}
    assert tally(e, "greedy").selected == ("q", "r")


def test_ordinal_points_can_be_given_in_meta():
    ballots = [["p", "q"], ["q", "p"], ["p"]]
    e = election({"p": 5, "q": 5}, ballots, 5, vote_type="ordinal", scoring_fn="1,5")
    assert project_scores(e) == {"p": 7, "q": 6}
    assert tally(e, "greedy").selected == ("p",)
    borda = election({"p": 5, "q": 5}, ballots, 5, vote_type="ordinal", scoring_fn="Borda")
    assert project_scores(borda) == {"p": 5, "q": 3}  # longest ballot: 2 places, 2/1


def test_ordinal_ballot_longer_than_the_points_is_refused():
    e = election({"p": 1, "q": 1}, [["p", "q"]], 5, vote_type="ordinal", max_length="1")
    with pytest.raises(TallyError, match="ranks 2"):
        tally(e, "greedy")


def test_bad_scoring_function_is_refused():
    e = election({"p": 1}, [["p"]], 5, vote_type="ordinal", scoring_fn="harmonic")
    with pytest.raises(TallyError, match="scoring_fn"):
        tally(e, "greedy")


def test_cumulative_ballots_sum_the_points():
    ballots = [["p", "q"], ["q"], ["r", "p"]]
    points = [[4, 1], [5], [3, 2]]
    e = election({"p": 6, "q": 6, "r": 1}, ballots, 7, vote_type="cumulative", points=points)
    assert project_scores(e) == {"p": 6, "q": 6, "r": 3}
    assert tally(e, "greedy").selected == ("p", "r")  # p and q tie on 6 and cost: lower id


def test_decimal_costs_are_exact():
    e = election({"a": "0.1", "b": "0.2", "c": "0.3"}, [["a", "b", "c"]], "0.6")
    outcome = greedy(e)
    assert outcome.selected == ("a", "b", "c")
    assert outcome.total_cost == Fraction(3, 5)
