"""The Method of Equal Shares (MES) with cost utilities, add1 completion and the comparison step.

The budget is split equally among the voters. Each round, for every project still possible,
find the smallest amount x such that its supporters, each paying at most x (a supporter who has
less left pays all they have), cover its cost; a project whose supporters together cannot pay
for it drops out. Fund the project with the largest *effective vote count* cost / x (with cost
utilities this is the project that costs its supporters least per unit of satisfaction), charge
its supporters, and repeat until nothing more can be paid for. See equalshares.net.

Ballots: a voter supports the projects named on their ballot (for ordinal, cumulative or
scoring ballots every named project counts as supported, as pabutools' `Cost_Sat` reads them).

Completion, as used by Wieliczka 2023 and Świecie 2023 (META `rule` `equalshares/add1...`):

1. **add1**: the per-voter budget starts at budget / voters and is raised by one currency unit
   at a time; each time MES is run afresh, and the raise is kept while the outcome still costs
   at most the real budget. It stops at the first raise whose outcome would overspend and keeps
   the outcome before it. It does *not* stop early when an outcome is exhaustive (nothing more
   would fit): that variant, which pabutools implements, gives Wieliczka 31 projects for
   984,579 PLN, while the official outcome — 30 projects, 995,079 PLN — comes out only without
   the early stop. `stop_when_exhaustive=True` selects pabutools' variant. When every supported
   project fits in the budget together, raising never overspends; the outcome is then what MES
   funds once each voter could pay for everything alone: all of them.
2. **greedy completion**: projects left out are then tried in order of votes (as `greedy`),
   each funded if it still fits.
3. **comparison** (`equalshares/add1-comparison`, Wieliczka): the completed outcome is compared
   with plain greedy by votes; every voter prefers the outcome that funds more of the projects
   they voted for, and greedy replaces MES only if more voters prefer it. In Wieliczka 2023,
   1,615 voters prefer MES and 873 greedy, so MES stays.

Ties between projects with the same effective vote count in a round go to the cheaper project,
then to the one with more votes, then to the lower project id (natural order) — the order
equalshares.net recommends, with the id in place of a lot. Greedy steps break ties as
`greedy.py` says. No tie arises in any round of Wieliczka, Świecie or Łódź, so their outcomes
do not depend on this order.

Exact and fast (Łódź 2022, 90,494 voters, 60 runs of MES: about a second; see
benchmarks/tally): identical ballots are counted once with their number of voters, and before
that the ballots are trimmed to the projects their voters could afford at all at the largest
per-voter budget likely to be tried, which merges many more of them. Voters are kept in classes
of equal remaining budget, so a project's supporters come down to a few (budget, voters) pairs,
gathered when the project is looked at; funding a project just moves its supporters to new
classes. Money is held in integers over one common denominator, multiplied up whenever a
payment does not divide evenly — no `Fraction` per voter, no floats. Each round re-examines only
the projects whose last effective vote count could still beat the best one so far (these counts
only fall).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm
from operator import attrgetter

from app.votes.tally.election import Election
from app.votes.tally.outcome import Outcome, id_order

BROKE = 0  # the class of voters with nothing left; they no longer count anywhere
FRESH = 1  # the class of voters who have not paid for anything yet


@dataclass(frozen=True)
class Profile:
    """An election prepared for MES: everything indexed, money scaled to whole numbers."""

    ids: tuple[str, ...]
    costs: tuple[int, ...]  # each project's cost times `scale`
    budget: int  # the budget times `scale`
    scale: int  # the common denominator of the costs and the budget (1 for whole złoty)
    voters: int
    votes: tuple[int, ...]
    ballots: tuple[tuple[int, ...], ...]  # distinct ballots, as sorted project indices
    weights: tuple[int, ...]  # how many voters cast each distinct ballot
    rank: tuple[int, ...]  # position of each project in the MES tie-breaking order
    greedy_order: tuple[int, ...]  # projects by votes, then cost, then id (greedy completion)

    @classmethod
    def from_election(cls, election: Election) -> Profile:
        """Count identical ballots once and bring all money to one whole-number scale."""
        ids = tuple(election.projects)
        index = {pid: i for i, pid in enumerate(ids)}
        costs = [election.projects[pid].cost for pid in ids]
        scale = lcm(election.budget.denominator, *(c.denominator for c in costs))
        by_id = id_order(election)
        # Count each distinct ballot as written, then merge those listing the same projects.
        as_written = Counter(map(attrgetter("projects"), election.votes))
        grouped: Counter[tuple[int, ...]] = Counter()
        counts = [0] * len(ids)
        for ballot, weight in as_written.items():
            indices = tuple(sorted(index[pid] for pid in ballot))
            grouped[indices] += weight
            for i in indices:
                counts[i] += weight
        grouped.pop((), None)
        votes = tuple(counts)
        rank_order = sorted(range(len(ids)),
                            key=lambda i: (costs[i], -votes[i], by_id[ids[i]]))
        rank = [0] * len(ids)
        for position, i in enumerate(rank_order):
            rank[i] = position
        greedy = sorted(range(len(ids)), key=lambda i: (-votes[i], costs[i], by_id[ids[i]]))
        return cls(ids=ids, costs=tuple(int(c * scale) for c in costs),
                   budget=int(election.budget * scale), scale=scale,
                   voters=len(election.votes), votes=votes, ballots=tuple(grouped),
                   weights=tuple(grouped.values()), rank=tuple(rank),
                   greedy_order=tuple(greedy))

    def cost_of(self, chosen: Sequence[int]) -> int:
        return sum(self.costs[i] for i in chosen)

    def possible(self) -> list[int]:
        """Projects MES can fund: someone voted for them and they cost something."""
        return [i for i in range(len(self.ids)) if self.votes[i] and self.costs[i] > 0]


class _Trimmed:
    """The distinct ballots cut down to a set of projects, merged again where now identical."""

    def __init__(self, profile: Profile, keep: set[int]) -> None:
        self.keep = keep
        merged: Counter[tuple[int, ...]] = Counter()
        for ballot, weight in zip(profile.ballots, profile.weights, strict=True):
            trimmed = tuple(i for i in ballot if i in keep)
            if trimmed:
                merged[trimmed] += weight
        self.ballots = list(merged)
        self.weights = list(merged.values())
        # For each project, the groups that support it and how many voters each holds.
        self.supporters: list[list[int]] = [[] for _ in profile.ids]
        for group, ballot in enumerate(self.ballots):
            for i in ballot:
                self.supporters[i].append(group)
        self.supporter_weights = [[self.weights[g] for g in groups]
                                  for groups in self.supporters]


class EqualShares:
    """Runs MES on one profile for any per-voter budget, reusing trimmed ballots between runs."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._trimmed: _Trimmed | None = None
        self.runs = 0

    def _affordable(self, extra: int) -> set[int]:
        """Projects whose voters together hold enough at budget/voters + `extra` per voter."""
        p = self.profile
        per_voter = p.budget + extra * p.voters * p.scale  # per-voter budget times voters*scale
        return {i for i in p.possible() if p.votes[i] * per_voter >= p.costs[i] * p.voters}

    def _trim(self, extra: int) -> _Trimmed:
        needed = self._affordable(extra)
        if self._trimmed is None or not needed <= self._trimmed.keep:
            # Trim for a per-voter budget twice as large (or 1 unit more), so that the raises
            # of add1 rarely need a new trim.
            base = self.profile.budget // max(self.profile.voters * self.profile.scale, 1)
            ahead = max(2 * (base + extra), extra + 1)
            self._trimmed = _Trimmed(self.profile, needed | self._affordable(ahead - base))
        return self._trimmed

    def run(self, extra: int = 0) -> list[int]:
        """MES with a per-voter budget of budget/voters + `extra` currency units."""
        self.runs += 1
        p = self.profile
        trimmed = self._trim(extra)
        supporters, supporter_weights = trimmed.supporters, trimmed.supporter_weights
        # Money in units of 1/(voters*scale) of a currency unit, so the start is whole; the unit
        # shrinks (everything is multiplied up) whenever a payment does not divide evenly.
        costs = [c * p.voters for c in p.costs]
        start = p.budget + extra * p.voters * p.scale
        budgets = [0, start]  # class -> what each voter in it has left (BROKE, FRESH, ...)
        class_of = [FRESH] * len(trimmed.weights)  # group -> class
        class_of_group = class_of.__getitem__
        # Candidates by their last effective vote count, highest first: at the start everyone
        # can pay cost / votes, so the count is the number of votes.
        heap: list[tuple[Fraction | int, int, int]] = [
            (-p.votes[i], p.rank[i], i) for i in self._affordable(extra)]
        heapq.heapify(heap)
        chosen = [i for i in range(len(p.ids)) if p.votes[i] and p.costs[i] == 0]

        while heap:
            best_count: Fraction | None = None
            best = None  # rank, project, paid in full by the poorer, equal payers, their classes
            looked: list[tuple[Fraction, int, int]] = []
            while heap and (best_count is None or -heap[0][0] >= best_count):
                _, rank, i = heapq.heappop(heap)
                held: defaultdict[int, int] = defaultdict(int)  # class -> supporters in it
                for k, weight in zip(map(class_of_group, supporters[i]), supporter_weights[i],
                                     strict=True):
                    held[k] += weight
                held.pop(BROKE, None)
                found = _payment(costs[i], held, budgets)
                if found is None:  # its supporters can no longer pay for it: gone for good
                    continue
                paid_by_poor, payers = found
                count = Fraction(costs[i] * payers, costs[i] - paid_by_poor)
                looked.append((count, rank, i))
                if best is None or count > best_count or (count == best_count and rank < best[0]):
                    best_count, best = count, (rank, i, paid_by_poor, payers, held)
            if best is None:
                break
            _, winner, paid_by_poor, payers, held = best
            for count, rank, i in looked:
                if i != winner:
                    heapq.heappush(heap, (-count, rank, i))
            chosen.append(winner)
            share, remainder = divmod(costs[winner] - paid_by_poor, payers)
            if remainder:  # refine the unit so the share is whole
                factor = payers // gcd(costs[winner] - paid_by_poor, payers)
                budgets = [b * factor for b in budgets]
                costs = [c * factor for c in costs]
                share = (costs[winner] - paid_by_poor * factor) // payers
            # Each class of supporters pays the share, or all it has, and becomes a new class.
            # (Two classes reaching the same budget by different paths are left apart: it is
            # rare, since shares depend on who paid before, and harmless.)
            moved = [BROKE] * len(budgets)
            for k in held:
                left = budgets[k] - share
                if left > 0:
                    moved[k] = len(budgets)
                    budgets.append(left)
            for group in supporters[winner]:
                class_of[group] = moved[class_of[group]]
        return chosen


def _payment(cost: int, held: dict[int, int], budgets: list[int]) -> tuple[int, int] | None:
    """How the supporters would pay for a project: (paid in full by those with too little, number
    of voters paying the equal share), or None when all their money is not enough."""
    payers = sum(held.values())
    if not payers:
        return None
    if min(budgets[k] for k in held) * payers >= cost:  # everyone can pay an equal share
        return 0, payers
    paid = 0
    for k in sorted(held, key=budgets.__getitem__):
        budget = budgets[k]
        if cost - paid > budget * payers:  # the equal share is more than this class has
            voters = held[k]
            paid += budget * voters
            payers -= voters
            if not payers:
                return None
        else:
            break
    return paid, payers


def add1(engine: EqualShares, *, stop_when_exhaustive: bool = False) -> tuple[list[int], int]:
    """MES completed by raising the per-voter budget one unit at a time (module text, step 1).

    Returns the outcome and the raise it was found at (in currency units per voter).
    """
    p = engine.profile
    possible = p.possible()
    total = p.cost_of(possible)
    if total <= p.budget:
        # Raising never overspends: the outcome is what MES funds once every voter could pay
        # for everything alone, i.e. every project someone voted for, in MES's order.
        return engine.run(-(-total // p.scale)), -1
    extra = 0
    outcome = engine.run(extra)
    while True:
        if stop_when_exhaustive:
            spent = p.cost_of(outcome)
            taken = set(outcome)
            if all(spent + p.costs[i] > p.budget for i in possible if i not in taken):
                return outcome, extra
        raised = engine.run(extra + 1)
        if p.cost_of(raised) > p.budget:
            return outcome, extra
        outcome, extra = raised, extra + 1


def complete_greedily(profile: Profile, chosen: list[int]) -> list[int]:
    """Add the projects left out in order of votes, each if it still fits (module text, step 2)."""
    result = list(chosen)
    taken = set(chosen)
    spent = profile.cost_of(chosen)
    for i in profile.greedy_order:
        if i not in taken and profile.votes[i] and spent + profile.costs[i] <= profile.budget:
            result.append(i)
            taken.add(i)
            spent += profile.costs[i]
    return result


def preferences(profile: Profile, first: Sequence[int], second: Sequence[int]) -> tuple[int, int]:
    """How many voters have more of their projects funded by `first`, and how many by `second`."""
    in_first, in_second = set(first), set(second)
    prefer_first = prefer_second = 0
    for ballot, weight in zip(profile.ballots, profile.weights, strict=True):
        a = sum(1 for i in ballot if i in in_first)
        b = sum(1 for i in ballot if i in in_second)
        if a > b:
            prefer_first += weight
        elif b > a:
            prefer_second += weight
    return prefer_first, prefer_second


def equal_shares(election: Election, *, completion: str | None = "add1",
                 comparison: bool = False, stop_when_exhaustive: bool = False,
                 rule: str | None = None) -> Outcome:
    """MES on an election: plain (`completion=None`), or with add1 and greedy completion,
    optionally followed by the comparison with greedy (see the module text)."""
    profile = Profile.from_election(election)
    engine = EqualShares(profile)
    details: dict[str, object] = {}
    if completion is None:
        chosen = engine.run(0)
    elif completion == "add1":
        mes, extra = add1(engine, stop_when_exhaustive=stop_when_exhaustive)
        details["per_voter_budget"] = (
            None if extra < 0 else election.budget / max(profile.voters, 1) + extra)
        details["mes_selected"] = tuple(profile.ids[i] for i in mes)
        chosen = complete_greedily(profile, mes)
    else:
        raise ValueError(f"unknown completion {completion!r}")
    if comparison:
        greedy = complete_greedily(profile, [])
        prefer_mes, prefer_greedy = preferences(profile, chosen, greedy)
        details["prefer_mes"], details["prefer_greedy"] = prefer_mes, prefer_greedy
        if prefer_greedy > prefer_mes:
            chosen = greedy
    details["runs"] = engine.runs
    selected = tuple(profile.ids[i] for i in chosen)
    return Outcome(rule or _name(completion, comparison), selected, election.cost_of(selected),
                   details)


def _name(completion: str | None, comparison: bool) -> str:
    if completion is None:
        return "equalshares"
    return "equalshares/add1-comparison" if comparison else "equalshares/add1"
