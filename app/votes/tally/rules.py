"""The rules by name, as Pabulib's META `rule` names them, and the one entry point `tally()`.

    greedy            by score, passing over projects that no longer fit: Warszawa,
                      Kraków (ordinal, 3/2/1), Gdańsk and Częstochowa (cumulative)
    greedy-threshold  as greedy, never funding a project scored below META
                      `min_project_score_threshold`: Łódź 2022
    greedy-no-skip    by score, stopping at the first project that does not fit: Wrocław
    equalshares       the Method of Equal Shares alone, without completion
    equalshares/add1  MES completed by add1, then greedily: Świecie 2023
    equalshares/add1-comparison
                      as equalshares/add1, then compared with greedy: Wieliczka 2023

The greedy rules score by ballot kind (approvals, points by place, points given), so the same
name serves approval, ordinal and cumulative files; every greedy rule honours META
`min_project_score_threshold` when the file has it. See `greedy.py` and `equalshares.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from app.votes.tally.election import Election, TallyError
from app.votes.tally.equalshares import equal_shares
from app.votes.tally.greedy import greedy
from app.votes.tally.outcome import Outcome

THRESHOLD_KEY = "min_project_score_threshold"


def _greedy(election: Election, rule: str, *, skip: bool = True,
            threshold_required: bool = False) -> Outcome:
    threshold = election.meta_number(THRESHOLD_KEY)
    if threshold is None and threshold_required:
        raise TallyError(f"rule {rule} needs META `{THRESHOLD_KEY}`, which this file lacks")
    return greedy(election, skip=skip, threshold=threshold, rule=rule)


RULES: dict[str, Callable[[Election], Outcome]] = {
    "greedy": lambda e: _greedy(e, "greedy"),
    "greedy-threshold": lambda e: _greedy(e, "greedy-threshold", threshold_required=True),
    "greedy-no-skip": lambda e: _greedy(e, "greedy-no-skip", skip=False),
    "equalshares": lambda e: equal_shares(e, completion=None),
    "equalshares/add1": lambda e: equal_shares(e, completion="add1"),
    "equalshares/add1-comparison": lambda e: equal_shares(e, completion="add1",
                                                          comparison=True),
}


def tally(election: Election, rule: str | None = None) -> Outcome:
    """Count an election by `rule`, or by the rule its META names."""
    if rule is None:
        rule = election.rule
        line = election.meta_lines.get("rule")
        if rule is None:
            raise TallyError("META names no rule; choose one: " + ", ".join(RULES))
        if rule not in RULES:
            raise TallyError(f"META rule {rule!r} is not one this engine counts (known: "
                             f"{', '.join(RULES)}); choose one", line)
    elif rule not in RULES:
        raise TallyError(f"unknown rule {rule!r} (known: {', '.join(RULES)})")
    return RULES[rule](election)
