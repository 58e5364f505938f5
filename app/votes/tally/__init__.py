"""The tally engine: pure Python, no Flask, no database, exact arithmetic.

Anything that counts votes for Agora — and anyone recounting a published `.pb` export — goes
through this package, so the rules are written once and can be checked against real cities:

* `counts`      yes / no / abstain per question with turnout; approval of up to k options;
* `greedy`      participatory budgets by score (votes, points by rank, points given), skipping or
                stopping at the first project that does not fit, with a minimum-score threshold;
* `equalshares` the Method of Equal Shares with cost utilities, its add1 completion, greedy
                completion and the comparison with greedy (Wieliczka 2023);
* `pabulib`     reading and writing the Pabulib `.pb` format;
* `rules`       the rules by their Pabulib names and `tally(election, rule)`.

Money and points are `int` or `fractions.Fraction`; no decision uses a float. Each module says
how it breaks ties. The package imports nothing outside the standard library (a test checks).
"""

from app.votes.tally.counts import (
    Answer,
    ApprovalResult,
    QuestionCount,
    QuestionResults,
    approval_winners,
    count_approvals,
    count_questions,
)
from app.votes.tally.election import Election, Project, TallyError, Vote
from app.votes.tally.equalshares import equal_shares
from app.votes.tally.outcome import Outcome, project_scores, vote_counts
from app.votes.tally.pabulib import (
    PabulibError,
    format_pabulib,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)
from app.votes.tally.rules import RULES, tally

__all__ = [
    "RULES",
    "Answer",
    "ApprovalResult",
    "Election",
    "Outcome",
    "PabulibError",
    "Project",
    "QuestionCount",
    "QuestionResults",
    "TallyError",
    "Vote",
    "approval_winners",
    "count_approvals",
    "count_questions",
    "equal_shares",
    "format_pabulib",
    "parse_pabulib",
    "project_scores",
    "read_pabulib",
    "tally",
    "vote_counts",
    "write_pabulib",
]
