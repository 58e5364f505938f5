"""Moderators merging at the same moment (PostgreSQL, where requests really run in parallel):
one merge happens, the others are told why not, nobody's support is counted twice, and two
opposite merges (A into B, B into A) wait for each other instead of deadlocking."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import AuditEntry
from app.proposals.models import Proposal, ProposalStatus, ProposalStatusChange
from app.supports.models import Support
from tests.concurrency_fixtures import post_all_at_once, signed_in
from tests.factories import make_consultation, make_proposal

MODERATORS = 8


def _pair(users) -> tuple[int, int, set[int]]:
    """Two proposals with overlapping supporters; their ids and everyone who supports one."""
    consultation = make_consultation("proposals")
    first = make_proposal(consultation, users(), title="Panele na szkołach")
    second = make_proposal(consultation, users(), title="Fotowoltaika na szkołach")
    people = [users() for _ in range(6)]
    for proposal, supporters in ((first, people[:4]), (second, people[2:])):
        for person in supporters:
            db.session.add(Support(proposal_id=proposal.id, user_id=person.id))
        proposal.support_count = len(supporters)
    db.session.commit()
    return first.id, second.id, {person.id for person in people}


def _moderators(parallel_app, users, count: int) -> list[tuple[str, str]]:
    emails = [users(Role.MODERATOR).email for _ in range(count)]
    db.session.commit()
    return [signed_in(parallel_app, email) for email in emails]


def _merges() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "proposal.merge"))


def _assert_one_merge(answers, supporters: set[int]) -> int:
    """Exactly one merge went through; the survivor has every supporter once."""
    statuses = [status for status, _body in answers]
    assert 500 not in statuses
    assert statuses.count(303) == 1
    assert statuses.count(409) == len(answers) - 1
    db.session.expire_all()
    merged = db.session.scalars(select(Proposal).where(
        Proposal.status == ProposalStatus.MERGED)).all()
    assert len(merged) == 1
    kept = db.session.get(Proposal, merged[0].merged_into_id)
    assert kept.status is not ProposalStatus.MERGED
    assert set(db.session.scalars(select(Support.user_id).where(
        Support.proposal_id == kept.id))) == supporters
    assert kept.support_count == len(supporters) and merged[0].support_count == 0
    assert db.session.scalar(select(func.count()).select_from(ProposalStatusChange).where(
        ProposalStatusChange.proposal_id == merged[0].id,
        ProposalStatusChange.status == ProposalStatus.MERGED)) == 1
    assert _merges() == 1
    assert verify_chain().ok
    return kept.id


def test_moderators_merging_the_same_pair_at_once_merge_it_once(app, parallel_app, users):
    target, duplicate, supporters = _pair(users)
    sessions = _moderators(parallel_app, users, MODERATORS)
    url = f"/moderation/proposals/{duplicate}/merge"
    answers = post_all_at_once(parallel_app, [
        (session, url, {"into": str(target), "reason": "Ten sam pomysł."})
        for session in sessions])
    assert _assert_one_merge(answers, supporters) == target


def test_opposite_merges_at_once_neither_deadlock_nor_both_happen(app, parallel_app, users):
    first, second, supporters = _pair(users)
    one, other = _moderators(parallel_app, users, 2)
    answers = post_all_at_once(parallel_app, [
        (one, f"/moderation/proposals/{first}/merge", {"into": str(second)}),
        (other, f"/moderation/proposals/{second}/merge", {"into": str(first)})])
    assert _assert_one_merge(answers, supporters) in {first, second}
