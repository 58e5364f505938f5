"""Review in the review phase: accept for the vote, reject with a reason, or send back for
changes; the authors see the reason and can submit again."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.proposals.models import Proposal, ProposalStatus, ProposalStatusChange
from tests.factories import make_consultation, make_goal, make_proposal
from tests.moderation.helpers import audit_entries


def _status(proposal_id: int) -> ProposalStatus:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id).status


def test_the_review_list_holds_submitted_proposals_in_review(client, as_moderator, users):
    author = users()
    in_review = make_consultation("review")
    waiting = make_proposal(in_review, author, title="Czeka na ocenę")
    make_proposal(in_review, author, title="Już przyjęta", status=ProposalStatus.ACCEPTED)
    make_proposal(make_consultation("proposals"), author, title="Jeszcze zbierana")
    as_moderator()
    page = client.get("/moderation/review").get_data(as_text=True)
    assert "Czeka na ocenę" in page
    assert f"/moderation/proposals/{waiting.id}/review" in page
    assert "Już przyjęta" not in page and "Jeszcze zbierana" not in page


def test_accept_for_the_vote(client, as_moderator, users):
    author = users()
    proposal = make_proposal(make_consultation("review"), author)
    moderator = as_moderator()
    response = client.post(f"/moderation/proposals/{proposal.id}/review",
                           data={"decision": "accept", "reason": ""})
    assert response.status_code == 303
    assert _status(proposal.id) is ProposalStatus.ACCEPTED
    entry = audit_entries("proposal.status")[-1]
    assert entry.actor_id == moderator.id
    assert entry.details == {"from": "submitted", "to": "accepted"}
    notice = db.session.scalar(select(Notification).where(Notification.user_id == author.id))
    assert notice.kind is NotificationKind.STATUS_CHANGE


def test_reject_needs_a_reason_shown_to_everyone(client, as_moderator, users):
    proposal = make_proposal(make_consultation("review"), users())
    as_moderator()
    response = client.post(f"/moderation/proposals/{proposal.id}/review",
                           data={"decision": "reject"})
    assert response.status_code == 200
    assert "Podaj powód albo napisz, co trzeba zmienić." in response.get_data(as_text=True)
    assert _status(proposal.id) is ProposalStatus.SUBMITTED
    client.post(f"/moderation/proposals/{proposal.id}/review",
                data={"decision": "reject", "reason": "Poza kompetencjami gminy."})
    assert _status(proposal.id) is ProposalStatus.REJECTED
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Powód: Poza kompetencjami gminy." in page


def test_changes_requested_then_the_author_submits_again(client, auth, as_moderator, users):
    author = users(name="Anna Autorka")
    goal = make_goal()
    proposal = make_proposal(make_consultation("review"), author, goals=[goal],
                             title="Ogrody na dachach")
    as_moderator()
    client.post(f"/moderation/proposals/{proposal.id}/review",
                data={"decision": "changes", "reason": "Podajcie koszt utrzymania."})
    assert _status(proposal.id) is ProposalStatus.CHANGES_REQUESTED
    auth.logout()
    auth.login(author.email)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Powód: Podajcie koszt utrzymania." in page
    assert "Moderator prosi o zmiany" in page
    form = client.get(f"/proposals/{proposal.id}/edit")
    assert form.status_code == 200 and "Zapisz i zgłoś ponownie" in form.get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/edit", data={
        "title": "Ogrody na dachach", "body": "Opis z kosztem utrzymania: 5000 zł.",
        "sector": "food", "district": "", "estimated_cost": "120000", "expected_jobs": "2",
        "goals": [str(goal.id)], "submit_proposal": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert _status(proposal.id) is ProposalStatus.SUBMITTED
    history = db.session.scalars(select(ProposalStatusChange.status).where(
        ProposalStatusChange.proposal_id == proposal.id)
        .order_by(ProposalStatusChange.id)).all()
    assert history[-2:] == [ProposalStatus.CHANGES_REQUESTED, ProposalStatus.SUBMITTED]


def test_review_only_in_the_review_phase(client, as_moderator, users, in_english):
    proposal = make_proposal(make_consultation("proposals"), users())
    as_moderator()
    response = client.post(f"/moderation/proposals/{proposal.id}/review",
                           data={"decision": "accept"})
    assert response.status_code == 409
    assert "reviewed in the review phase" in response.get_data(as_text=True)
    assert _status(proposal.id) is ProposalStatus.SUBMITTED


def test_moderators_do_not_review_their_own(client, as_moderator, in_english):
    moderator = as_moderator()
    proposal = make_proposal(make_consultation("review"), moderator)
    response = client.post(f"/moderation/proposals/{proposal.id}/review",
                           data={"decision": "accept"})
    assert response.status_code == 409
    assert "You cannot review your own proposal" in response.get_data(as_text=True)


def test_residents_cannot_review(client, auth, users):
    proposal = make_proposal(make_consultation("review"), users())
    auth.login_as(Role.RESIDENT)
    assert client.post(f"/moderation/proposals/{proposal.id}/review",
                       data={"decision": "accept"}).status_code == 403
    assert _status(proposal.id) is ProposalStatus.SUBMITTED
