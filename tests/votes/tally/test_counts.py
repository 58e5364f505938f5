"""Yes / no / abstain questions with turnout, and approval of up to k options."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.votes.tally import TallyError, approval_winners, count_approvals, count_questions


def test_questions_count_each_answer_and_a_skipped_question_as_abstention():
    ballots = [{"q1": "yes", "q2": "no"}, {"q1": "yes"}, {"q1": "no", "q2": "abstain"},
               {"q2": "yes"}]
    results = count_questions(["q1", "q2"], ballots, eligible=10)
    q1, q2 = results.questions
    assert (q1.yes, q1.no, q1.abstain, q1.ballots) == (2, 1, 1, 4)
    assert (q2.yes, q2.no, q2.abstain) == (1, 1, 2)
    assert q1.outcome == "yes" and q2.outcome == "tie"
    assert q1.share_yes() == Fraction(2, 3)
    assert results.ballots == 4 and results.turnout == Fraction(2, 5)


def test_a_question_nobody_decided_has_no_share_and_no_turnout_without_a_roll():
    results = count_questions(["q"], [{"q": "abstain"}, {}])
    (q,) = results.questions
    assert q.share_yes() is None and q.outcome == "tie" and q.abstain == 2
    assert results.turnout is None


def test_no_wins_when_more_say_no():
    (q,) = count_questions(["q"], [{"q": "no"}, {"q": "no"}, {"q": "yes"}]).questions
    assert q.outcome == "no"


@pytest.mark.parametrize(("ballots", "eligible", "words"), [
    ([{"q": "maybe"}], None, "expected yes, no or abstain"),
    ([{"other": "yes"}], None, "unknown question"),
    ([{"q": "yes"}, {"q": "no"}], 1, "2 ballots for 1 eligible"),
])
def test_questions_refuse_impossible_ballots(ballots, eligible, words):
    with pytest.raises(TallyError, match=words):
        count_questions(["q"], ballots, eligible=eligible)


def test_approval_winners_are_the_top_k_with_ties_by_id_and_flagged():
    ballots = [["10", "9"], ["10", "9", "a"], ["a"], ["b"]]
    result = approval_winners(["a", "b", "9", "10"], ballots, k=2)
    assert result.ranking == (("9", 2), ("10", 2), ("a", 2), ("b", 1))
    assert result.winners == ("9", "10")
    assert result.tie_at_cut  # a has as many approvals as the last winner
    assert not approval_winners(["a", "b", "9", "10"], ballots, k=3).tie_at_cut
    assert result.ballots == 4


def test_an_option_nobody_approved_never_wins():
    ballots = [["a"], ["a", "b"]]
    result = approval_winners(["a", "b", "c", "d"], ballots, k=3)
    assert result.winners == ("a", "b")
    assert result.ranking[-2:] == (("c", 0), ("d", 0))
    assert not result.tie_at_cut  # c and d are level at nothing, not at the cut
    assert approval_winners(["a", "b"], [], k=1).winners == ()


def test_approvals_refuse_bad_ballots():
    assert count_approvals(["a", "b"], [["a"], []]) == {"a": 1, "b": 0}
    with pytest.raises(TallyError, match="at most 1"):
        count_approvals(["a", "b"], [["a", "b"]], max_choices=1)
    with pytest.raises(TallyError, match="unknown option"):
        count_approvals(["a"], [["z"]])
    with pytest.raises(TallyError, match="twice"):
        count_approvals(["a"], [["a", "a"]])
