"""Greedy participatory budgeting: fund projects in order of score while the money lasts.

This is how most Polish cities count. The score is the number of votes for approval ballots,
points by place for ordinal ballots (Kraków: 3/2/1) and the sum of points for cumulative ones
(see `outcome.project_scores`).

Order and ties: higher score first; among equal scores the cheaper project first; then the
project id in natural order (`9` before `10`). The sample files do have equal scores (Łódź
L007 and L061 with 3,378 votes each, several pairs in Warszawa Praga-Południe), but none
decides an outcome: the official outcomes come out under this order and under its reverse.

Variants:

* skipping (`greedy`): a project that no longer fits is passed over and the next ones are
  still tried — Warszawa, Kraków, Łódź;
* stopping (`greedy-no-skip`): counting ends at the first project that does not fit, as
  Wrocław did;
* threshold (`greedy-threshold`, or any greedy rule on a file with META
  `min_project_score_threshold`): a project whose score is below the threshold is never
  funded — Łódź 2022 (100 votes) and Warszawa.
"""

from __future__ import annotations

from fractions import Fraction

from app.votes.tally.election import Election
from app.votes.tally.outcome import Outcome, id_order, project_scores


def greedy_order(election: Election, scores: dict[str, Fraction]) -> list[str]:
    """Projects from the highest score down, ties to the cheaper, then the lower id."""
    rank = id_order(election)
    projects = election.projects
    return sorted(projects, key=lambda pid: (-scores[pid], projects[pid].cost, rank[pid]))


def greedy(election: Election, *, skip: bool = True, threshold: Fraction | None = None,
           rule: str = "greedy") -> Outcome:
    """Fund projects in score order within the budget (see the module text for the variants).

    Projects with no votes at all are never funded, whatever their cost.
    """
    scores = project_scores(election)
    budget = election.budget
    spent = Fraction(0)
    chosen: list[str] = []
    for project_id in greedy_order(election, scores):
        score = scores[project_id]
        if score <= 0 or (threshold is not None and score < threshold):
            continue
        cost = election.projects[project_id].cost
        if spent + cost <= budget:
            chosen.append(project_id)
            spent += cost
        elif not skip:
            break
    return Outcome(rule, tuple(chosen), spent)
