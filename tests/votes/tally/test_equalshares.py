"""Method of Equal Shares: hand-checked elections, ties, completion variants, and pabutools."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.votes.tally import equal_shares, tally
from app.votes.tally.equalshares import EqualShares, Profile, add1
from tests.votes.tally.conftest import sample
from tests.votes.tally.helpers import PABULIB, election, reference_equal_shares
from tests.votes.tally.pabutools_bridge import pabutools_mes

# Three neighbours want x and y (50 each), one voter wants z (25); budget 100, 25 per voter.
NEIGHBOURS = election({"x": 50, "y": 50, "z": 25},
                      [["x", "y"], ["x", "y"], ["x", "y"], ["z"]], 100)


def test_equal_shares_funds_the_lone_voter_where_greedy_does_not():
    # x: the three pay 50/3 each (effective votes 3); then y needs 50 but they hold 3 * 25/3.
    plain = tally(NEIGHBOURS, "equalshares")
    assert plain.selected == ("x", "z") and plain.total_cost == 75
    assert tally(NEIGHBOURS, "greedy").selected == ("x", "y")


def test_add1_raises_the_share_until_the_next_raise_would_overspend():
    outcome = tally(NEIGHBOURS, "equalshares/add1")
    # At 34 per voter the three could pay for y too: x + y + z = 125 > 100. So 33 is the last.
    assert outcome.details["per_voter_budget"] == 33
    assert outcome.details["mes_selected"] == ("x", "z")
    assert outcome.selected == ("x", "z")  # y (50) does not fit in the 25 left


def test_comparison_step_keeps_greedy_when_more_voters_prefer_it():
    outcome = tally(NEIGHBOURS, "equalshares/add1-comparison")
    assert (outcome.details["prefer_mes"], outcome.details["prefer_greedy"]) == (1, 3)
    assert outcome.selected == ("x", "y")


def test_add1_does_not_stop_early_at_an_exhaustive_outcome():
    """The Wieliczka variant on a small scale. Budget 9, three voters (one with an empty
    ballot), 3 each: MES funds a (3); b (8) does not fit beside it, so the outcome is exhaustive
    and the early-stop variant ends there. Raised to 4, 5 and 6 per voter, MES funds b first
    (effective votes 2 against 1); at 7 it would fund both (11 > 9), so the outcome is b."""
    e = election({"a": 3, "b": 8}, [["b"], ["a", "b"], []], 9)
    official = equal_shares(e)
    assert official.selected == ("b",) and official.details["per_voter_budget"] == 6
    early = equal_shares(e, stop_when_exhaustive=True)
    assert early.selected == ("a",) and early.details["per_voter_budget"] == 3
    assert pabutools_mes(e, add1=True) == ["a"]  # pabutools implements the early stop


def test_ties_go_to_the_cheaper_project():
    # p and q both have effective votes 3; p costs less. After p, q is out of reach.
    e = election({"p": 30, "q": 60}, [["p", "q"]] * 3, 60)
    assert tally(e, "equalshares").selected == ("p",)
    assert tally(e, "equalshares/add1").selected == ("p",)


def test_ties_between_equal_costs_go_to_more_votes():
    # r first (5 voters pay 20 each, effective votes 5). Then p and q: both cost 60 and the
    # same three voters can pay 20 each (q's fourth supporter has spent everything on r), so
    # both have effective votes 3; q has more votes (4 against 3) and wins.
    ballots = [["p", "q"]] * 3 + [["q", "r"]] + [["r"]] * 4
    e = election({"p": 60, "q": 60, "r": 100}, ballots, 160)
    assert tally(e, "equalshares").selected == ("r", "q")


def test_ties_between_identical_projects_go_to_the_lower_id():
    e = election({"10": 60, "9": 60}, [["10", "9"]] * 3, 60)
    assert tally(e, "equalshares").selected == ("9",)


def test_free_projects_with_votes_come_first_and_unvoted_ones_never():
    e = election({"a": 10, "free": 0, "ignored": 0}, [["a", "free"], ["a"]], 10)
    assert tally(e, "equalshares").selected == ("free", "a")


def test_when_everything_fits_add1_funds_everything_voted_for():
    # 10 per voter: a (20) is out of its one voter's reach; but a + b fit in the budget, and
    # raising the share never overspends, so the raises end with both funded.
    e = election({"a": 20, "b": 5, "c": 1}, [["a"], ["b"], []], 30)
    assert tally(e, "equalshares").selected == ("b",)
    outcome = tally(e, "equalshares/add1")
    assert set(outcome.selected) == {"a", "b"} and outcome.total_cost == 25
    assert outcome.details["per_voter_budget"] is None


def test_decimal_money_stays_exact():
    e = election({"a": "0.30", "b": "0.45", "c": "0.20"},
                 [["a", "b"], ["b"], ["a", "c"], ["c"]], "1.10")
    for completion in (None, "add1"):
        outcome = equal_shares(e, completion=completion)
        expected = reference_equal_shares(e, completion=completion is not None)
        assert list(outcome.selected) == expected
        assert outcome.total_cost == sum(e.projects[p].cost for p in expected)
        assert isinstance(outcome.total_cost, Fraction)


def test_no_voters_funds_nothing():
    e = election({"a": 1}, [], 10)
    assert equal_shares(e).selected == ()
    assert equal_shares(e, completion=None).selected == ()


PABUTOOLS_SAMPLES = ["Poland_Warszawa_2019_Nadwisle", "Poland_Czestochowa_2020_Grabowka",
                     "Poland_Krakow_2024_Stare_Miasto", "Poland_Swiecie_2023",
                     "Poland_Wieliczka_2023_Green_Budget"]


@pytest.mark.parametrize("name", PABUTOOLS_SAMPLES)
def test_plain_equal_shares_equals_pabutools_on_real_elections(name):
    """Same projects in the same order (ordinal and cumulative ballots count as approval of the
    projects named, as pabutools' cost satisfaction reads them)."""
    election_ = sample(PABULIB / f"{name}.pb")
    assert list(equal_shares(election_, completion=None).selected) == pabutools_mes(election_)


def test_add1_with_the_early_stop_equals_pabutools_on_a_real_election():
    election_ = sample(PABULIB / "Poland_Warszawa_2019_Nadwisle.pb")
    engine = EqualShares(Profile.from_election(election_))
    chosen, _ = add1(engine, stop_when_exhaustive=True)
    assert [engine.profile.ids[i] for i in chosen] == pabutools_mes(election_, add1=True)
