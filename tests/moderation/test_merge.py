"""Merging duplicates: B shows "merged into A" and links there; supports and pledges of B
move to A without being counted twice; both authors are notified."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import verify_chain
from app.notifications.models import Follow, Notification, NotificationKind
from app.notifications.services import message_for
from app.organisations.models import Organisation, OrganisationKind
from app.proposals.models import Proposal, ProposalStatus
from app.supports.models import Pledge, PledgeRole, Support
from tests.factories import make_consultation, make_proposal
from tests.moderation.helpers import audit_entries


def _support(proposal: Proposal, *people) -> None:
    for person in people:
        db.session.add(Support(proposal_id=proposal.id, user_id=person.id))
    proposal.support_count += len(people)
    db.session.commit()


def _pledge(proposal: Proposal, person, organisation=None, role=PledgeRole.MEMBER) -> None:
    pledger = f"organisation:{organisation.id}" if organisation else f"user:{person.id}"
    db.session.add(Pledge(proposal_id=proposal.id, pledger=pledger, user_id=person.id,
                          organisation_id=organisation.id if organisation else None, role=role))
    db.session.commit()


def _get(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def test_merge_moves_supports_and_pledges_once(client, as_moderator, users):
    consultation = make_consultation("proposals", support_threshold=3)
    author_a, author_b = users(name="Autorka A"), users(name="Autor B")
    target = make_proposal(consultation, author_a, title="Panele na szkołach")
    duplicate = make_proposal(consultation, author_b, title="Fotowoltaika na szkołach")
    both, only_b, only_a = users(), users(), users()
    _support(target, both, only_a)
    _support(duplicate, both, only_b)
    organisation = Organisation(name="Fundacja Słońce", kind=OrganisationKind.NGO,
                                approved_at=utcnow())
    db.session.add(organisation)
    db.session.commit()
    _pledge(target, both, role=PledgeRole.WORKER)
    _pledge(duplicate, both, role=PledgeRole.MEMBER)
    _pledge(duplicate, only_b, organisation)
    db.session.add(Follow(user_id=only_b.id, proposal_id=duplicate.id))
    db.session.commit()
    moderator = as_moderator()
    form = client.get(f"/moderation/proposals/{duplicate.id}/merge")
    assert form.status_code == 200 and "Panele na szkołach" in form.get_data(as_text=True)
    response = client.post(f"/moderation/proposals/{duplicate.id}/merge",
                           data={"into": str(target.id), "reason": "Ten sam pomysł."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{target.id}")

    merged, kept = _get(duplicate.id), _get(target.id)
    assert merged.status is ProposalStatus.MERGED and merged.merged_into_id == target.id
    supporters = set(db.session.scalars(select(Support.user_id).where(
        Support.proposal_id == target.id)))
    assert supporters == {both.id, only_a.id, only_b.id}
    assert kept.support_count == 3 and merged.support_count == 0
    assert kept.qualified_at is not None  # the threshold of 3 is reached by the merge
    assert db.session.scalars(select(Support).where(
        Support.proposal_id == duplicate.id)).all() == []
    pledges = {(p.pledger, p.role) for p in db.session.scalars(
        select(Pledge).where(Pledge.proposal_id == target.id))}
    # The person who pledged to both keeps the pledge made to A; the organisation's moves.
    assert pledges == {(f"user:{both.id}", PledgeRole.WORKER),
                       (f"organisation:{organisation.id}", PledgeRole.MEMBER)}
    assert db.session.scalar(select(Follow.id).where(
        Follow.user_id == only_b.id, Follow.proposal_id == target.id)) is not None

    entry = audit_entries("proposal.merge")[-1]
    assert entry.actor_id == moderator.id and entry.target_id == duplicate.id
    assert entry.details == {"into": target.id, "supports_moved": 1, "pledges_moved": 1}
    assert audit_entries("proposal.status")[-1].details == {"from": "submitted",
                                                              "to": "merged"}
    assert verify_chain().ok

    notices = {n.user_id: n for n in db.session.scalars(select(Notification))}
    assert notices[author_b.id].kind is NotificationKind.STATUS_CHANGE
    assert notices[author_a.id].kind is NotificationKind.MODERATION
    assert "Fotowoltaika na szkołach" in message_for(notices[author_a.id])

    page = client.get(f"/proposals/{duplicate.id}").get_data(as_text=True)
    assert "Ta propozycja została połączona z inną:" in page
    assert f'href="/proposals/{target.id}"' in page
    # The duplicate takes no more supports: they count on the proposal it was merged into.
    client.post(f"/proposals/{duplicate.id}/support")
    assert _get(duplicate.id).support_count == 0
    listing = client.get("/proposals").get_data(as_text=True)
    assert "Fotowoltaika na szkołach" not in listing and "Panele na szkołach" in listing


def test_merge_only_within_a_consultation(client, as_moderator, users, in_english):
    duplicate = make_proposal(make_consultation("proposals"), users())
    elsewhere = make_proposal(make_consultation("proposals"), users(), title="Gdzie indziej")
    as_moderator()
    page = client.get(f"/moderation/proposals/{duplicate.id}/merge").get_data(as_text=True)
    assert "Gdzie indziej" not in page
    assert "The consultation has no other proposal to merge into." in page
    response = client.post(f"/moderation/proposals/{duplicate.id}/merge",
                           data={"into": str(elsewhere.id)})
    assert response.status_code == 200
    assert "The consultation has no other proposal" in response.get_data(as_text=True)
    assert _get(duplicate.id).status is ProposalStatus.SUBMITTED
    # With a candidate in its own consultation, a proposal elsewhere is still refused.
    make_proposal(duplicate.consultation, users(), title="Tutaj")
    response = client.post(f"/moderation/proposals/{duplicate.id}/merge",
                           data={"into": str(elsewhere.id)})
    assert "Choose the proposal to merge into." in response.get_data(as_text=True)
    assert _get(duplicate.id).status is ProposalStatus.SUBMITTED


def test_a_merged_proposal_cannot_be_merged_again(client, as_moderator, users, in_english):
    consultation = make_consultation("proposals")
    target = make_proposal(consultation, users())
    duplicate = make_proposal(consultation, users(), status=ProposalStatus.MERGED,
                              merged_into_id=target.id)
    as_moderator()
    response = client.post(f"/moderation/proposals/{duplicate.id}/merge",
                           data={"into": str(target.id)})
    assert response.status_code == 409
    assert "This proposal cannot be merged" in response.get_data(as_text=True)


def test_no_merge_once_voting_started(client, as_moderator, users, in_english):
    consultation = make_consultation("voting")
    target = make_proposal(consultation, users(), status=ProposalStatus.ACCEPTED)
    duplicate = make_proposal(consultation, users(), status=ProposalStatus.ACCEPTED)
    as_moderator()
    response = client.post(f"/moderation/proposals/{duplicate.id}/merge",
                           data={"into": str(target.id)})
    assert response.status_code == 409
    assert "only before the vote" in response.get_data(as_text=True)


def test_residents_cannot_merge(client, auth, users):
    consultation = make_consultation("proposals")
    target = make_proposal(consultation, users())
    duplicate = make_proposal(consultation, users())
    auth.login_as(Role.RESIDENT)
    assert client.post(f"/moderation/proposals/{duplicate.id}/merge",
                       data={"into": str(target.id)}).status_code == 403
    assert _get(duplicate.id).status is ProposalStatus.SUBMITTED
