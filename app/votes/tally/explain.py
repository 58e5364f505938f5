"""Why Equal Shares funds what it funds, for the results page: who paid for each project.

A plain, slow retelling of the Method of Equal Shares (cost utilities) at one per-voter budget,
written for explanation rather than speed: it keeps every voter's remaining money, so for each
funded project it can say the price each supporter paid (rho), how many paid it in full and how
many paid all they had left. It breaks ties as `equalshares.py` does (cheaper, more votes, id in
natural order), so at the per-voter budget the tally found it funds the same projects; a test
checks this. The comparison with greedy by votes lists the projects one rule funds and the other
does not. Exact arithmetic (`Fraction`), no floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from app.votes.tally.election import Election, natural_key
from app.votes.tally.greedy import greedy
from app.votes.tally.outcome import vote_counts


@dataclass(frozen=True)
class Payment:
    """How the supporters of a funded project paid for it."""

    project_id: str
    cost: Fraction
    supporters: int
    price: Fraction  # what each supporter who could afford it paid (rho)
    paid_in_full: int  # supporters who paid the whole price
    paid_all_left: int  # supporters who had less and paid everything they had left


@dataclass(frozen=True)
class Explanation:
    per_voter_budget: Fraction
    voters: int
    payments: tuple[Payment, ...]  # the projects MES funded, in the order it funded them
    completed: tuple[str, ...]  # funded afterwards with the money left (completion)
    greedy_only: tuple[str, ...]  # greedy by votes funds them, Equal Shares does not
    equal_shares_only: tuple[str, ...]  # Equal Shares funds them, greedy by votes does not


def mes_payments(election: Election, per_voter_budget: Fraction) -> list[Payment]:
    """Run MES at this per-voter budget, recording each funded project's payments."""
    votes = vote_counts(election)
    money = [per_voter_budget] * len(election.votes)
    backers: dict[str, list[int]] = {pid: [] for pid in election.projects}
    for index, vote in enumerate(election.votes):
        for pid in set(vote.projects):
            if pid in backers:
                backers[pid].append(index)
    left = {pid for pid in election.projects if votes[pid] > 0}
    payments = []
    while left:
        best = None
        for pid in sorted(left, key=natural_key):
            cost = election.projects[pid].cost
            price = _price(cost, [money[v] for v in backers[pid]])
            if price is None:
                continue
            key = (price / cost if cost else Fraction(0), cost, -votes[pid], natural_key(pid))
            if best is None or key < best[0]:
                best = (key, pid, price)
        if best is None:
            break
        _, pid, price = best
        full = partial = 0
        for v in backers[pid]:
            if money[v] >= price:
                money[v] -= price
                full += 1
            elif money[v] > 0:
                money[v] = Fraction(0)
                partial += 1
        payments.append(Payment(pid, election.projects[pid].cost, len(backers[pid]), price,
                                full, partial))
        left.discard(pid)
        left = {p for p in left if sum(money[v] for v in backers[p]) >= election.projects[p].cost}
    return payments


def _price(cost: Fraction, budgets: list[Fraction]) -> Fraction | None:
    """The smallest rho such that sum(min(budget, rho)) covers the cost, or None."""
    if sum(budgets) < cost or not budgets:
        return None
    paid = Fraction(0)
    ordered = sorted(budgets)
    for i, budget in enumerate(ordered):
        payers = len(ordered) - i
        if cost - paid <= budget * payers:
            return (cost - paid) / payers
        paid += budget
    return None


def explain(election: Election, selected: tuple[str, ...] | list[str],
            per_voter_budget: Fraction | None = None) -> Explanation:
    """The payments behind an Equal Shares outcome and how it differs from greedy by votes.

    `selected` is the published outcome; `per_voter_budget` the one the tally used (add1
    raises it), by default the budget divided equally among the voters.
    """
    voters = len(election.votes)
    if per_voter_budget is None:
        per_voter_budget = election.budget / max(voters, 1)
    payments = [p for p in mes_payments(election, per_voter_budget) if p.project_id in selected]
    paid = {p.project_id for p in payments}
    by_votes = greedy(election).selected
    return Explanation(
        per_voter_budget=per_voter_budget, voters=voters, payments=tuple(payments),
        completed=tuple(pid for pid in selected if pid not in paid),
        greedy_only=tuple(pid for pid in by_votes if pid not in selected),
        equal_shares_only=tuple(pid for pid in selected if pid not in by_votes))
