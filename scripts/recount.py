#!/usr/bin/env python3
"""Recount a participatory-budget election from its Pabulib `.pb` file.

    python3 scripts/recount.py FILE.pb [--rule RULE]

Prints one JSON line: {"rule": ..., "selected": [project ids in the file's order],
"total_cost": ...}, the same shape as `flask tally`. It needs Python 3.11 or later and nothing
else: it does not import Agora, so anyone can copy this one file next to a published `.pb`
export and check the city's result. It is a second, separate implementation of the rules, on
purpose: if it and Agora's tally engine (app/votes/tally/) ever disagree, one of them is wrong.

Rules (the names Pabulib's META `rule` uses; `--rule` overrides the file's):

    greedy            projects by score, highest first; one that no longer fits is passed over
    greedy-threshold  as greedy, never funding a project scored below META
                      `min_project_score_threshold` (the file must have it)
    greedy-no-skip    as greedy, but counting stops at the first project that does not fit
    equalshares       the Method of Equal Shares (cost utilities), without completion
    equalshares/add1  Equal Shares, the per-voter budget raised one currency unit at a time
                      while the outcome stays within the budget, then completed greedily by
                      number of votes
    equalshares/add1-comparison
                      as equalshares/add1, then compared with greedy by votes: greedy is kept
                      only if more voters have more of their projects funded by it

Scores for the greedy rules: approval ballots give a project one point each; ordinal ballots
give points by place (META `scoring_fn`, e.g. `3,2,1`, or else k, k-1, ..., 1 where k is META
`max_length` or the longest ballot); cumulative and scoring ballots give the points written.
Every greedy rule honours META `min_project_score_threshold` when the file has it, and never
funds a project nobody voted for. For Equal Shares every project named on a ballot counts as
supported by that voter.

Ties, everywhere the same: greedy orders by score (or votes), then the cheaper project, then the
project id in natural order (`9` before `10`); Equal Shares picks the project its supporters pay
the least for per unit of cost, then the cheaper, then the one with more votes, then the id in
natural order. All arithmetic is exact (`fractions.Fraction`); no decision uses a float.

Exit status: 0 with the JSON line, 2 with a message on standard error when the file is not
valid Pabulib or the rule is unknown or cannot be applied.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import re
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

RULES = ("greedy", "greedy-threshold", "greedy-no-skip", "equalshares", "equalshares/add1",
         "equalshares/add1-comparison")
THRESHOLD = "min_project_score_threshold"


class RecountError(Exception):
    """The file or the rule does not allow a recount; the message says why."""


# --- reading ----------------------------------------------------------------------------------

def number(text: str, what: str) -> Fraction:
    """An exact number from decimal text such as `1546168.66` or `12,5`."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        raise RecountError(f"{what} is not a number: {text!r}")
    return Fraction(cleaned)


class Election:
    """What a `.pb` file holds: META settings, projects (id -> cost) in file order, ballots."""

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.costs: dict[str, Fraction] = {}
        self.ballots: list[tuple[str, ...]] = []
        self.points: list[tuple[Fraction, ...]] = []

    @property
    def budget(self) -> Fraction:
        if "budget" not in self.meta:
            raise RecountError("META has no budget")
        return number(self.meta["budget"], "META budget")

    @property
    def kind(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()


def read(path: Path) -> Election:
    """Parse a `.pb` file: three sections, each a name line and a header line, `;`-separated."""
    election = Election()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RecountError(f"cannot read {path}: {error}") from None
    section = None
    header: list[str] = []
    for row in csv.reader(text.splitlines(), delimiter=";", quotechar='"'):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) == 1 and row[0].strip().upper() in ("META", "PROJECTS", "VOTES"):
            section, header = row[0].strip().upper(), []
            continue
        if section is None:
            raise RecountError("the file does not start with a META section")
        if not header:
            header = [cell.strip() for cell in row]
            continue
        record = dict(zip(header, row, strict=False))
        if section == "META":
            election.meta[row[0].strip()] = row[1].strip() if len(row) > 1 else ""
        elif section == "PROJECTS":
            project_id = record.get("project_id", "").strip()
            if not project_id or project_id in election.costs:
                raise RecountError(f"missing or repeated project id: {project_id!r}")
            election.costs[project_id] = number(record.get("cost", ""),
                                                f"the cost of project {project_id}")
        else:
            _read_vote(election, record)
    if not election.costs:
        raise RecountError("the file has no PROJECTS")
    return election


def _read_vote(election: Election, record: dict[str, str]) -> None:
    listed = tuple(p.strip() for p in (record.get("vote") or "").split(",") if p.strip())
    for project_id in listed:
        if project_id not in election.costs:
            raise RecountError(f"voter {record.get('voter_id')!r} votes for an unknown "
                               f"project {project_id!r}")
    if len(set(listed)) != len(listed):
        raise RecountError(f"voter {record.get('voter_id')!r} names a project twice")
    election.ballots.append(listed)
    if election.kind in ("cumulative", "scoring"):
        given = tuple(number(p, "points") for p in (record.get("points") or "").split(",")
                      if p.strip())
        if len(given) != len(listed):
            raise RecountError(f"voter {record.get('voter_id')!r}: points do not match the vote")
        election.points.append(given)


# --- shared orders ----------------------------------------------------------------------------

def natural(project_id: str) -> tuple:
    """`9` before `10`, `L2` before `L10`; the text itself breaks what remains."""
    pieces = tuple((0, int(piece), "") if piece.isdigit() else (1, 0, piece)
                   for piece in re.split(r"(\d+)", project_id) if piece)
    return pieces, project_id


def approvals(election: Election) -> dict[str, int]:
    """How many ballots name each project."""
    counted = dict.fromkeys(election.costs, 0)
    for ballot in election.ballots:
        for project_id in ballot:
            counted[project_id] += 1
    return counted


def scores(election: Election) -> dict[str, Fraction]:
    """Each project's score for the greedy rules (see the module text)."""
    kind = election.kind
    total = dict.fromkeys(election.costs, Fraction(0))
    if kind == "ordinal":
        scoring = election.meta.get("scoring_fn", "").strip()
        if scoring and scoring.lower() != "borda":
            places = [number(p, "META scoring_fn") for p in scoring.split(",")]
        else:
            length = election.meta.get("max_length")
            k = (int(number(length, "META max_length")) if length
                 else max((len(b) for b in election.ballots), default=0))
            places = [Fraction(k - i) for i in range(k)]
        for ballot in election.ballots:
            if len(ballot) > len(places):
                raise RecountError("a ballot ranks more projects than there are scored places")
            for place, project_id in enumerate(ballot):
                total[project_id] += places[place]
    elif kind in ("cumulative", "scoring"):
        for ballot, given in zip(election.ballots, election.points, strict=True):
            for project_id, points in zip(ballot, given, strict=True):
                total[project_id] += points
    else:
        for project_id, count in approvals(election).items():
            total[project_id] = Fraction(count)
    return total


def fill_greedily(costs: dict[str, Fraction], rank: dict[str, Fraction], budget: Fraction,
                  start: list[str], *, skip: bool = True,
                  threshold: Fraction | None = None) -> list[str]:
    """Add projects by rank (highest first, then cheaper, then id) while the money lasts."""
    chosen = list(start)
    spent = sum((costs[p] for p in chosen), Fraction(0))
    for project_id in sorted(costs, key=lambda p: (-rank[p], costs[p], natural(p))):
        if project_id in chosen or rank[project_id] <= 0:
            continue
        if threshold is not None and rank[project_id] < threshold:
            continue
        if spent + costs[project_id] <= budget:
            chosen.append(project_id)
            spent += costs[project_id]
        elif not skip:
            break
    return chosen


# --- Equal Shares -----------------------------------------------------------------------------

class EqualShares:
    """MES with cost utilities over voters grouped by identical ballots (they always pay alike)."""

    def __init__(self, election: Election) -> None:
        self.costs = election.costs
        self.voters = len(election.ballots)
        self.votes = approvals(election)
        groups = Counter(frozenset(ballot) for ballot in election.ballots if ballot)
        self.groups = list(groups)
        self.weights = [groups[g] for g in self.groups]
        self.supporters: dict[str, list[int]] = {p: [] for p in self.costs}
        for index, group in enumerate(self.groups):
            for project_id in group:
                self.supporters[project_id].append(index)
        self.tie = {p: (self.costs[p], -self.votes[p], natural(p)) for p in self.costs}

    def _share(self, project_id: str, money: list[Fraction]) -> Fraction | None:
        """The least x such that supporters paying min(x, what they have) cover the cost."""
        cost = self.costs[project_id]
        held: Counter[Fraction] = Counter()
        for index in self.supporters[project_id]:
            if money[index]:
                held[money[index]] += self.weights[index]
        payers = sum(held.values())
        if not payers or sum(m * w for m, w in held.items()) < cost:
            return None
        left = cost
        for amount in sorted(held):
            if amount * payers >= left:
                return left / payers
            left -= amount * held[amount]
            payers -= held[amount]
        return None  # not reached: the total covers the cost

    def run(self, per_voter: Fraction) -> list[str]:
        """One run of MES from an equal budget per voter; the funded projects."""
        money = [Fraction(per_voter)] * len(self.groups)
        chosen = [p for p, cost in self.costs.items() if cost == 0 and self.votes[p]]
        # A project's price per unit of cost (share / cost) only rises as voters spend, so the
        # last price computed is a lower bound: re-check the cheapest-looking one until the
        # re-checked price still beats every other bound (lazy evaluation).
        queue = []
        for project_id, cost in self.costs.items():
            if cost > 0 and self.votes[project_id] and \
                    self.votes[project_id] * per_voter >= cost:
                queue.append((Fraction(1, self.votes[project_id]), self.tie[project_id],
                              project_id))
        heapq.heapify(queue)
        while queue:
            _bound, tie, project_id = heapq.heappop(queue)
            share = self._share(project_id, money)
            if share is None:
                continue  # its supporters can no longer afford it, and never will again
            price = share / self.costs[project_id]
            if queue and (price, tie) > queue[0][:2]:
                heapq.heappush(queue, (price, tie, project_id))
                continue
            chosen.append(project_id)
            for index in self.supporters[project_id]:
                money[index] -= min(money[index], share)
        return chosen

    def add1(self, budget: Fraction) -> list[str]:
        """Raise the per-voter budget by one unit while the outcome stays within the budget."""
        supported = [p for p in self.costs if self.votes[p]]
        if sum(self.costs[p] for p in supported) <= budget:
            return supported  # everything anyone voted for fits: any raise would fund it all
        base = budget / self.voters
        outcome, extra = self.run(base), 0
        while True:
            raised = self.run(base + extra + 1)
            if sum(self.costs[p] for p in raised) > budget:
                return outcome
            outcome, extra = raised, extra + 1


def preferring(ballots: list[tuple[str, ...]], first: list[str],
               second: list[str]) -> tuple[int, int]:
    """How many voters get more of their projects from `first`, and how many from `second`."""
    a, b = set(first), set(second)
    more_first = more_second = 0
    for ballot in ballots:
        in_a = sum(1 for p in ballot if p in a)
        in_b = sum(1 for p in ballot if p in b)
        more_first += in_a > in_b
        more_second += in_b > in_a
    return more_first, more_second


# --- rules ------------------------------------------------------------------------------------

def recount(election: Election, rule: str) -> list[str]:
    """The projects `rule` funds."""
    budget = election.budget
    threshold_text = election.meta.get(THRESHOLD)
    threshold = number(threshold_text, f"META {THRESHOLD}") if threshold_text else None
    if rule.startswith("greedy"):
        if rule == "greedy-threshold" and threshold is None:
            raise RecountError(f"rule greedy-threshold needs META {THRESHOLD}")
        return fill_greedily(election.costs, scores(election), budget, [],
                             skip=rule != "greedy-no-skip", threshold=threshold)
    if not election.ballots:
        return []
    mes = EqualShares(election)
    votes = {p: Fraction(v) for p, v in mes.votes.items()}
    if rule == "equalshares":
        return mes.run(budget / mes.voters)
    completed = fill_greedily(election.costs, votes, budget, mes.add1(budget))
    if rule == "equalshares/add1":
        return completed
    greedy = fill_greedily(election.costs, votes, budget, [])
    prefer_mes, prefer_greedy = preferring(election.ballots, completed, greedy)
    return greedy if prefer_greedy > prefer_mes else completed


def decimal_text(value: Fraction) -> str:
    """`1545000`, `1546168.66`: the exact decimal form of a sum of decimal costs."""
    if value.denominator == 1:
        return str(value.numerator)
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 30:
            raise RecountError(f"{value} has no exact decimal form")
    digits = str(abs(value * 10**places).numerator).rjust(places + 1, "0")
    return f"{'-' if value < 0 else ''}{digits[:-places]}.{digits[-places:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", metavar="FILE.pb", type=Path)
    parser.add_argument("--rule", choices=RULES, help="count by this rule, not the file's")
    args = parser.parse_args(argv)
    try:
        election = read(args.path)
        rule = args.rule or election.meta.get("rule", "").strip()
        if rule not in RULES:
            raise RecountError(f"META rule {rule!r} is not one this script counts; "
                               f"choose one with --rule: {', '.join(RULES)}")
        chosen = set(recount(election, rule))
    except RecountError as error:
        print(f"recount: {args.path}: {error}", file=sys.stderr)
        return 2
    selected = [p for p in election.costs if p in chosen]
    total = sum((election.costs[p] for p in selected), Fraction(0))
    print(f'{{"rule": {json.dumps(rule)}, "selected": {json.dumps(selected, ensure_ascii=False)}'
          f', "total_cost": {decimal_text(total)}}}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
