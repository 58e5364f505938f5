"""Real elections: the engine and `flask tally` give every official outcome in the sample files."""

from __future__ import annotations

import json

import pytest

from app.votes.tally import Outcome, tally
from tests.votes.tally.conftest import sample
from tests.votes.tally.helpers import PABULIB, SAMPLES, SMALLER_SAMPLES


def _has_official_outcome(path) -> bool:
    """Whether the PROJECTS header has a `selected` column (read without parsing the votes)."""
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip().upper() == "PROJECTS":
                return "selected" in next(handle).strip().split(";")
    return False


OFFICIAL = [path for path in SAMPLES if _has_official_outcome(path)]
_outcomes: dict[str, Outcome] = {}


def official_tally(path) -> Outcome:
    """The engine's outcome by the file's META rule, computed once per run."""
    if str(path) not in _outcomes:
        _outcomes[str(path)] = tally(sample(path))
    return _outcomes[str(path)]


def test_the_sample_is_there():
    assert len(SAMPLES) >= 8, f"Pabulib sample missing in {PABULIB}"
    assert len(OFFICIAL) >= 6


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda path: path.stem)
def test_engine_reproduces_the_official_outcome(path):
    election = sample(path)
    outcome = official_tally(path)
    official = election.selected()
    assert outcome.rule == election.rule
    assert sorted(outcome.selected) == sorted(official)
    assert outcome.total_cost == election.cost_of(official) <= election.budget


@pytest.mark.parametrize("path", OFFICIAL, ids=lambda path: path.stem)
def test_flask_tally_reproduces_the_official_outcome(path, tally_runner):
    election = sample(path)
    result = tally_runner.invoke(args=["tally", str(path)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == {"rule": election.rule, "selected": list(election.selected()),
                       "total_cost": int(election.cost_of(election.selected()))}


@pytest.mark.parametrize("path", SMALLER_SAMPLES, ids=lambda path: path.stem)
def test_scores_agree_with_the_files_own_columns(path):
    """Our count of votes and points matches the `votes` and `score` columns of every file."""
    from app.votes.tally import project_scores, vote_counts

    election = sample(path)
    scores, votes = project_scores(election), vote_counts(election)
    for project_id, project in election.projects.items():
        if project.field("votes") is not None:
            assert votes[project_id] == int(project.field("votes")), project_id
        if project.field("score") is not None:
            assert scores[project_id] == int(project.field("score")), project_id


def test_wieliczka_needs_add1_without_the_early_stop():
    """README of the sample: stopping once nothing more fits gives 31 projects, 984,579 PLN."""
    from app.votes.tally import equal_shares

    path = PABULIB / "Poland_Wieliczka_2023_Green_Budget.pb"
    election = sample(path)
    official = official_tally(path)
    assert (len(official.selected), official.total_cost) == (30, 995_079)
    assert official.details["prefer_mes"] > official.details["prefer_greedy"]
    early = equal_shares(election, comparison=True, stop_when_exhaustive=True)
    assert (len(early.selected), early.total_cost) == (31, 984_579)
    assert early.details["per_voter_budget"] < official.details["per_voter_budget"]


def test_files_without_an_official_outcome_are_still_counted(tally_runner):
    """Gdańsk and Częstochowa (cumulative ballots) have no `selected` column; the recount still
    runs by their META rule and stays within the budget."""
    unofficial = [path for path in SAMPLES if path not in OFFICIAL]
    assert unofficial
    for path in unofficial:
        result = tally_runner.invoke(args=["tally", str(path)])
        assert result.exit_code == 0, result.output
        printed = json.loads(result.output)
        assert printed["rule"] == "greedy" and printed["selected"]
        assert printed["total_cost"] <= sample(path).budget
