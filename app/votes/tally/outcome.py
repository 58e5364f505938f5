"""What every rule returns, and the scores that greedy rules and tie-breaking read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from app.votes.tally.election import (
    CUMULATIVE,
    ORDINAL,
    SCORING,
    Election,
    TallyError,
    natural_key,
    parse_number,
)


@dataclass(frozen=True)
class Outcome:
    """The projects a rule funds, in the order it chose them, and what they cost together."""

    rule: str
    selected: tuple[str, ...]
    total_cost: Fraction
    #: How the rule got there, for a results page: e.g. the per-voter budget Equal Shares reached.
    details: Mapping[str, object] = field(default_factory=dict)


def vote_counts(election: Election) -> dict[str, int]:
    """How many ballots name each project (its approval count), for every project."""
    counts = dict.fromkeys(election.projects, 0)
    for vote in election.votes:
        for project_id in vote.projects:
            counts[project_id] += 1
    return counts


def ordinal_points(election: Election) -> tuple[Fraction, ...]:
    """Points for the 1st, 2nd, ... place on an ordinal ballot.

    META `scoring_fn` may list them (`3,2,1`); without it, or with `Borda`, the first of k
    places gets k points, the next k-1, down to 1 (Kraków: three places, 3/2/1), where k is
    META `max_length` or else the longest ballot.
    """
    text = election.meta.get("scoring_fn", "").strip()
    line = election.meta_lines.get("scoring_fn")
    if text and text.lower() != "borda":
        try:
            return tuple(parse_number(part) for part in text.split(","))
        except ValueError:
            raise TallyError(f"META scoring_fn {text!r} is neither Borda nor a list of points",
                             line) from None
    places = election.meta_number("max_length")
    if places is None:
        places = max((len(vote.projects) for vote in election.votes), default=0)
    return tuple(Fraction(points) for points in range(int(places), 0, -1))


def project_scores(election: Election) -> dict[str, Fraction]:
    """Each project's score for greedy rules: approvals, points by rank, or points given.

    approval and choose-1: one per ballot naming it; ordinal: points by place
    (`ordinal_points`); cumulative and scoring: the sum of the points voters gave it.
    """
    scores = dict.fromkeys(election.projects, Fraction(0))
    kind = election.vote_type
    if kind == ORDINAL:
        points = ordinal_points(election)
        for vote in election.votes:
            if len(vote.projects) > len(points):
                raise TallyError(f"voter {vote.voter_id!r} ranks {len(vote.projects)} projects "
                                 f"but only {len(points)} places score points")
            for place, project_id in enumerate(vote.projects):
                scores[project_id] += points[place]
    elif kind in (CUMULATIVE, SCORING):
        for vote in election.votes:
            for project_id, given in zip(vote.projects, vote.points or (), strict=True):
                scores[project_id] += given
    else:
        return {pid: Fraction(count) for pid, count in vote_counts(election).items()}
    return scores


def id_order(election: Election) -> dict[str, int]:
    """The last tie-breaker of every rule: project ids in natural order (9 before 10)."""
    return {pid: rank for rank, pid in enumerate(sorted(election.projects, key=natural_key))}
