"""Run pabutools, the reference implementation of PB rules, on our elections (tests only)."""

from __future__ import annotations

from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from app.votes.tally import Election, format_pabulib, vote_counts
from app.votes.tally.election import natural_key


def pabutools_mes(election: Election, *, add1: bool = False) -> list[str]:
    """pabutools' Method of Equal Shares with cost satisfaction, ties broken as our engine does
    (cheaper, then more votes, then lower id); with `add1`, its budget-raising completion."""
    instance, profile = parse_pabulib_from_string(format_pabulib(election))
    votes = vote_counts(election)
    ties = TieBreakingRule(lambda inst, prof, project: (
        project.cost, -votes[project.name], natural_key(project.name)))
    outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=ties,
                                     voter_budget_increment=1 if add1 else None)
    return [project.name for project in outcome]
