"""Counting simple ballots: yes / no / abstain on questions, and approval of up to k options.

Ties: a question with as many yes as no answers has no majority (`outcome` is "tie"). Among
options with equal approvals the ranking lists them by id in natural order (`9` before `10`),
and `approval_winners` reports when a tie straddles the last winning place, so that the
published result can say a lot or a rule decided it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from app.votes.tally.election import TallyError, natural_key


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class QuestionCount:
    """Answers to one question; a ballot that skips the question counts as an abstention."""

    question: str
    yes: int
    no: int
    abstain: int

    @property
    def ballots(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def outcome(self) -> str:
        """"yes" or "no" by simple majority of the votes for and against, or "tie"."""
        if self.yes == self.no:
            return "tie"
        return Answer.YES.value if self.yes > self.no else Answer.NO.value

    def share_yes(self) -> Fraction | None:
        """Yes as a share of the yes and no answers (None when nobody answered either)."""
        decided = self.yes + self.no
        return Fraction(self.yes, decided) if decided else None


@dataclass(frozen=True)
class QuestionResults:
    """The count of every question and the turnout of the vote."""

    questions: tuple[QuestionCount, ...]
    ballots: int
    eligible: int | None

    @property
    def turnout(self) -> Fraction | None:
        """Ballots cast as a share of the eligible voters, when their number is known."""
        return Fraction(self.ballots, self.eligible) if self.eligible else None


def count_questions(questions: Sequence[str], ballots: Iterable[Mapping[str, str]],
                    eligible: int | None = None) -> QuestionResults:
    """Count yes / no / abstain per question over ballots mapping question -> answer."""
    counts = {question: Counter() for question in questions}
    cast = 0
    for number, ballot in enumerate(ballots, start=1):
        cast += 1
        for question, answer in ballot.items():
            if question not in counts:
                raise TallyError(f"ballot {number} answers an unknown question {question!r}")
            try:
                counts[question][Answer(answer)] += 1
            except ValueError:
                raise TallyError(f"ballot {number} answers {answer!r} to {question!r}; "
                                 "expected yes, no or abstain") from None
    if eligible is not None and cast > eligible:
        raise TallyError(f"{cast} ballots for {eligible} eligible voters")
    results = []
    for question in questions:
        c = counts[question]
        answered = c[Answer.YES] + c[Answer.NO] + c[Answer.ABSTAIN]
        results.append(QuestionCount(question, c[Answer.YES], c[Answer.NO],
                                     c[Answer.ABSTAIN] + cast - answered))
    return QuestionResults(tuple(results), cast, eligible)


@dataclass(frozen=True)
class ApprovalResult:
    """Options ranked by approvals, the k winners, and whether a tie crosses the cut."""

    ranking: tuple[tuple[str, int], ...]
    winners: tuple[str, ...]
    tie_at_cut: bool
    ballots: int


def count_approvals(options: Sequence[str], ballots: Iterable[Iterable[str]],
                    max_choices: int | None = None) -> Counter[str]:
    """Approvals per option; a ballot naming an unknown option, an option twice or more than
    `max_choices` options is refused."""
    known = set(options)
    counts: Counter[str] = Counter(dict.fromkeys(options, 0))
    for number, ballot in enumerate(ballots, start=1):
        chosen = list(ballot)
        if len(set(chosen)) != len(chosen):
            raise TallyError(f"ballot {number} names an option twice")
        if max_choices is not None and len(chosen) > max_choices:
            raise TallyError(f"ballot {number} approves {len(chosen)} options; "
                             f"at most {max_choices} allowed")
        for option in chosen:
            if option not in known:
                raise TallyError(f"ballot {number} approves an unknown option {option!r}")
            counts[option] += 1
    return counts


def approval_winners(options: Sequence[str], ballots: Iterable[Iterable[str]], k: int,
                     max_choices: int | None = None) -> ApprovalResult:
    """The k options with most approvals (ties by id, flagged when they cross the cut).

    An option nobody approved never wins, so there are fewer than k winners when fewer than k
    options were approved (as a participatory-budget count never funds a project without
    votes: the published .pb file of an approval vote recounts to the same winners).
    """
    ballots = list(ballots)
    counts = count_approvals(options, ballots, max_choices)
    ranking = sorted(options, key=lambda option: (-counts[option], natural_key(option)))
    winners = [option for option in ranking[:k] if counts[option]]
    tie = (0 < k < len(ranking) and counts[ranking[k]] > 0
           and counts[ranking[k - 1]] == counts[ranking[k]])
    return ApprovalResult(tuple((option, counts[option]) for option in ranking),
                          tuple(winners), tie, len(ballots))
