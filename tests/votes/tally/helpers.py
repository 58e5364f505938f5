"""Hand-made elections, the sample files, and a textbook Equal Shares to check against."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

from app.votes.tally import Election, Project, Vote
from app.votes.tally.election import natural_key
from tests.shared_data import shared_data

ROOT = Path(__file__).resolve().parents[3]


def _pabulib_folder() -> Path:
    """`shared/data/pabulib` (tests/shared_data.py), or the folder named by PABULIB_DIR."""
    if os.environ.get("PABULIB_DIR"):
        return Path(os.environ["PABULIB_DIR"])
    return shared_data("pabulib")


PABULIB = _pabulib_folder()
SAMPLES = sorted(PABULIB.glob("*.pb"))
LODZ = PABULIB / "Poland_Lodz_2022.pb"
#: The samples without Łódź (90,494 voters), which only the official-outcome tests read.
SMALLER_SAMPLES = [path for path in SAMPLES if path != LODZ]


def election(costs: Mapping[str, int | Fraction | str], ballots: Sequence[Sequence[str]],
             budget: int | Fraction | str, *, vote_type: str = "approval",
             points: Sequence[Sequence[int]] | None = None,
             **meta: str) -> Election:
    """An election from costs by project id and one list of project ids per voter."""
    settings = {"description": "hand-made", "budget": str(budget), "vote_type": vote_type,
                **{key.replace("__", "/"): value for key, value in meta.items()}}
    projects = {pid: Project(pid, Fraction(cost), {}) for pid, cost in costs.items()}
    votes = [Vote(str(number), tuple(ballot),
                  None if points is None else tuple(Fraction(p) for p in points[number]), ())
             for number, ballot in enumerate(ballots)]
    return Election(meta=settings, projects=projects, votes=votes)


def reference_mes(costs: Mapping[str, Fraction], ballots: Sequence[set[str]],
                  per_voter: Fraction, key: Callable[[str], tuple]) -> list[str]:
    """MES with cost utilities as in the paper, one exact budget per voter, no shortcuts.

    Projects that cost nothing and have a supporter are funded first; each round funds the
    project whose supporters pay the least per unit of cost (largest cost / share), ties by `key`.
    """
    budgets = [Fraction(per_voter)] * len(ballots)
    chosen = [p for p in costs if costs[p] == 0 and any(p in b for b in ballots)]
    remaining = [p for p in costs if costs[p] > 0 and any(p in b for b in ballots)]
    while True:
        best = None
        for p in remaining:
            supporters = [i for i, b in enumerate(ballots) if p in b]
            if sum(budgets[i] for i in supporters) < costs[p]:
                continue
            share = _smallest_share(costs[p], sorted(budgets[i] for i in supporters))
            candidate = (-(costs[p] / share), key(p))
            if best is None or candidate < best[0]:
                best = (candidate, p, share)
        if best is None:
            return chosen
        _, p, share = best
        chosen.append(p)
        remaining.remove(p)
        for i, ballot in enumerate(ballots):
            if p in ballot:
                budgets[i] -= min(budgets[i], share)


def _smallest_share(cost: Fraction, budgets: list[Fraction]) -> Fraction:
    """The least x with sum(min(b, x)) = cost, for budgets sorted ascending."""
    paid = Fraction(0)
    for j, budget in enumerate(budgets):
        share = (cost - paid) / (len(budgets) - j)
        if share <= budget:
            return share
        paid += budget
    raise AssertionError("unaffordable")


def reference_equal_shares(e: Election, *, completion: bool, exhaustive_stop: bool = False,
                           comparison: bool = False) -> list[str]:
    """Equal Shares, add1, greedy completion and comparison, spelled out loop by loop."""
    costs = {pid: p.cost for pid, p in e.projects.items()}
    ballots = [set(v.projects) for v in e.votes]
    votes = {pid: sum(1 for b in ballots if pid in b) for pid in costs}

    def key(pid: str) -> tuple:
        return (costs[pid], -votes[pid], natural_key(pid))

    budget, n = e.budget, len(ballots)
    if n == 0:
        return []
    outcome = reference_mes(costs, ballots, budget / n, key)
    if completion:
        possible = [p for p in costs if costs[p] > 0 and votes[p]]
        if sum(costs[p] for p in possible) <= budget:  # raising never ends: every voter rich
            outcome = reference_mes(costs, ballots, sum(costs.values()) + 1, key)
        else:
            extra = 0
            while True:
                spent = sum(costs[p] for p in outcome)
                if exhaustive_stop and all(spent + costs[p] > budget
                                           for p in possible if p not in outcome):
                    break
                raised = reference_mes(costs, ballots, budget / n + extra + 1, key)
                if sum(costs[p] for p in raised) > budget:
                    break
                outcome, extra = raised, extra + 1
        outcome = greedy_by_votes(costs, votes, budget, outcome)
    if comparison:
        greedy = greedy_by_votes(costs, votes, budget, [])
        mes_wins = sum(1 for b in ballots if len(b & set(outcome)) > len(b & set(greedy)))
        greedy_wins = sum(1 for b in ballots if len(b & set(greedy)) > len(b & set(outcome)))
        if greedy_wins > mes_wins:
            outcome = greedy
    return outcome


def greedy_by_votes(costs: Mapping[str, Fraction], votes: Mapping[str, int], budget: Fraction,
                    start: list[str]) -> list[str]:
    result = list(start)
    spent = sum(costs[p] for p in result)
    for p in sorted(costs, key=lambda p: (-votes[p], costs[p], natural_key(p))):
        if p not in result and votes[p] and spent + costs[p] <= budget:
            result.append(p)
            spent += costs[p]
    return result
