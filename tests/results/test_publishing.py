"""Publishing a result takes two staff members; a correction is a new, logged publication."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from app.accounts.models import Role
from app.admin.services import change_setting
from app.extensions import db
from app.moderation.models import AuditEntry
from app.proposals.models import Proposal, ProposalStatus
from app.results import services
from app.results.models import SECOND_APPROVAL_SETTING, Answer, Publication, PublishedFile
from app.votes import services as votes
from app.votes.models import VotingResult
from tests.results.helpers import closed_vote, publish
from tests.votes.helpers import make_vote, verified_voter

pytestmark = pytest.mark.usefixtures("in_english")


def _answers_form(closed, override: dict | None = None) -> dict:
    override = override or {}
    result = votes.get_result(closed.consultation)
    form = {}
    for option in services.ballot_options(closed.vote.id):
        answer = "funded" if option.proposal_id in result.selected else "not_funded"
        form[f"answer-{option.proposal_id}"] = override.get(option.proposal_id, answer)
        form[f"reason-{option.proposal_id}"] = ""
    return form


def _actions(consultation_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "consultation", AuditEntry.target_id == consultation_id,
        AuditEntry.action.like("results.%")).order_by(AuditEntry.seq)))


def test_a_second_staff_member_must_approve(client, auth):
    closed = closed_vote()
    url = f"/consultations/{closed.vote.id}/results"
    auth.login(closed.staff.email)
    response = client.post(f"{url}/publish", data=_answers_form(closed))
    assert response.status_code == 303
    waiting = services.pending(closed.vote.id)
    assert waiting is not None and not waiting.is_published
    assert client.get(url).status_code == 404  # not public yet
    assert client.get(f"/api/v1/consultations/{closed.vote.id}/results").status_code == 404
    # The one who proposed cannot approve: the page says so and the post is refused.
    page = client.get(f"{url}/publish").get_data(as_text=True)
    assert "another staff member must approve it" in page
    response = client.post(f"{url}/approve", data={"publication_id": waiting.id})
    assert response.status_code == 409
    assert "Another staff member must approve" in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.current(closed.vote.id) is None
    with pytest.raises(services.PublishError):
        services.approve(closed.consultation, waiting.id, closed.staff)

    client.post("/account/logout")
    auth.login(closed.other_staff.email)
    response = client.post(f"{url}/approve", data={"publication_id": waiting.id})
    assert response.status_code == 303
    db.session.expire_all()
    published = services.current(closed.vote.id)
    assert published.number == 1
    assert published.proposed_by_id == closed.staff.id
    assert published.approved_by_id == closed.other_staff.id
    assert _actions(closed.vote.id) == ["results.propose", "results.publish"]
    assert db.session.get(VotingResult, closed.vote.id).published_at is not None
    # A second approval of the same publication changes nothing.
    with pytest.raises(services.PublishError):
        services.approve(closed.consultation, waiting.id, closed.other_staff)
    assert client.get(url).status_code == 200


def test_publishing_sets_the_proposals_statuses_through_their_history():
    closed = closed_vote()
    publish(closed)
    result = votes.get_result(closed.consultation)
    for proposal in closed.vote.city:
        db.session.refresh(proposal)
        expected = (ProposalStatus.SELECTED if proposal.id in result.selected
                    else ProposalStatus.REJECTED)
        assert proposal.status is expected
    assert any(p.status is ProposalStatus.SELECTED for p in closed.vote.city)
    statuses = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action == "proposal.status")).all()
    assert len(statuses) >= len(closed.vote.city)


def test_without_the_second_approval_setting_one_staff_member_publishes(client, auth):
    closed = closed_vote()
    change_setting(SECOND_APPROVAL_SETTING, False, None)
    db.session.commit()
    auth.login(closed.staff.email)
    response = client.post(f"/consultations/{closed.vote.id}/results/publish",
                           data=_answers_form(closed))
    assert response.status_code == 303
    published = services.current(closed.vote.id)
    assert published.approved_by_id == closed.staff.id == published.proposed_by_id


def test_answers_need_a_reason_when_rejected(client, auth):
    closed = closed_vote()
    auth.login(closed.staff.email)
    first = closed.vote.city[0].id
    response = client.post(f"/consultations/{closed.vote.id}/results/publish",
                           data=_answers_form(closed, {first: "rejected"}))
    assert response.status_code == 422
    assert "Give the reason" in response.get_data(as_text=True)
    assert services.pending(closed.vote.id) is None


def test_publishing_before_the_vote_is_closed_is_refused(client, auth):
    vote = make_vote()
    staff = verified_voter(role=Role.STAFF)
    auth.login(staff.email)
    response = client.post(f"/consultations/{vote.id}/results/publish", data={})
    assert response.status_code == 409
    assert "Voting is not closed yet." in response.get_data(as_text=True)


def test_a_correction_is_a_new_publication_saying_what_changed():
    closed = closed_vote()
    publish(closed)
    first = services.current(closed.vote.id)
    files = {f.name: f.sha256 for f in services.files_of(first)}
    consultation = closed.consultation
    answers = {key: dict(value) for key, value in first.answers.items()}
    changed = str(closed.vote.city[2].id)
    answers[changed] = {"answer": Answer.OTHERWISE.value,
                        "reason": "The district council funds it."}
    with pytest.raises(services.PublishError):  # a correction must say why
        services.propose(consultation, closed.other_staff, answers)
    with current_app.test_request_context("/"):
        correction = services.propose(consultation, closed.other_staff, answers,
                                      "Funded by the district council instead.")
        services.approve(consultation, correction.id, closed.staff)
    current = services.current(closed.vote.id)
    assert current.number == 2 and current.supersedes_id == first.id
    assert current.changes == [{"proposal_id": int(changed), "from": first.answers[changed],
                                "to": answers[changed]}]
    db.session.refresh(first)
    assert first.answers[changed]["answer"] != "otherwise"  # the first is kept as it was
    assert {f.name: f.sha256 for f in services.files_of(first)} == files
    assert db.session.get(Proposal, int(changed)).status is ProposalStatus.ACCEPTED
    assert [p.number for p in services.history(closed.vote.id)] == [2, 1]
    assert db.session.scalar(select(db.func.count()).select_from(Publication)) == 2
    assert db.session.scalar(select(db.func.count()).select_from(PublishedFile)) == 2 * len(files)


def test_a_waiting_proposal_can_be_withdrawn(client, auth):
    closed = closed_vote()
    auth.login(closed.staff.email)
    client.post(f"/consultations/{closed.vote.id}/results/publish", data=_answers_form(closed))
    waiting = services.pending(closed.vote.id)
    response = client.post(f"/consultations/{closed.vote.id}/results/discard",
                           data={"publication_id": waiting.id})
    assert response.status_code == 303
    assert services.pending(closed.vote.id) is None
    assert _actions(closed.vote.id) == ["results.propose", "results.discard"]


def test_administrators_turn_the_second_approval_off_and_it_is_audited(client, auth):
    auth.login_as(Role.ADMIN)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="results_second_approval"' in page and "checked" in page
    form = {"proposals_per_minute": "2", "proposals_per_day": "10",
            "comments_per_minute": "5", "comments_per_day": "100", "reports_to_hide": "3",
            "results_settings": "1"}
    assert client.post("/admin/settings", data=form).status_code == 303
    assert services.second_approval_required() is False
    details = db.session.scalars(select(AuditEntry.details).where(
        AuditEntry.action == "settings.change")).all()
    assert {"key": SECOND_APPROVAL_SETTING, "value": False} in details
