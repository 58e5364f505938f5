"""Closing a vote: by staff (after a confirmation) or at its end date; the tally runs and a
draft result is kept that only staff see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.accounts.models import Role
from app.consultations.models import Consultation
from app.extensions import db
from app.moderation.models import AuditEntry
from app.votes import services
from app.votes.models import VotingMethod, VotingResult, VotingSettings
from tests.votes.helpers import make_census, make_vote, verified_voter

pytestmark = pytest.mark.usefixtures("in_english")


def _consultation(vote) -> Consultation:
    return db.session.get(Consultation, vote.id)


def _budget_ballots(vote) -> None:
    c, n = vote.city, vote.in_north
    for district, picks in [(vote.north, [c[0], n[0]]), (vote.north, [c[0], c[2], n[1]]),
                            (vote.south, [c[2]]), (vote.north, [c[0], n[1]])]:
        services.cast_ballot(_consultation(vote), verified_voter(district),
                             services.Choices([p.id for p in picks]))


def test_staff_close_voting_and_see_the_draft_result(client, auth):
    vote = make_vote()
    _budget_ballots(vote)
    staff = verified_voter(vote.north, role=Role.STAFF)
    auth.login(staff.email)
    url = f"/consultations/{vote.id}/voting/close"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.get_data(
        as_text=True)
    assert db.session.get(VotingResult, vote.id) is None  # the confirmation page changes nothing
    response = client.post(url)
    assert response.status_code == 303
    settings = db.session.get(VotingSettings, vote.id)
    assert settings.closed_at is not None and settings.closed_by_id == staff.id

    result = db.session.get(VotingResult, vote.id)
    city, north = vote.city, vote.in_north
    # City pool (600 000): votes 3, 0, 2 -> the 400 000 and the 200 000 projects.
    # North pool (100 000): votes 1, 2 -> the 50 000 project; the 60 000 one no longer fits.
    assert result.selected == [city[0].id, city[2].id, north[1].id]
    assert result.total_cost == Decimal("650000")
    assert (result.ballots_online, result.ballots_paper, result.rule) == (4, 0, "greedy")
    pools = {pool["district_id"]: pool for pool in result.details["pools"]}
    assert pools[None]["ballots"] == 4 and pools[vote.north.id]["ballots"] == 3
    assert pools[vote.south.id]["selected"] == [] and pools[vote.south.id]["ballots"] == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vote.close"))
    assert entry.details["automatic"] is False and entry.details["ballots_online"] == 4

    page = client.get(f"/consultations/{vote.id}/voting").get_data(as_text=True)
    assert "Draft result" in page and "Only staff can see this draft" in page
    assert city[0].title in page
    # Voting is over for everyone, the staff member included.
    closed = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert "Voting has closed." in closed
    again = client.post(url)
    assert again.status_code == 409 and "already closed" in again.get_data(as_text=True)


def test_the_draft_result_is_for_staff_only(client, auth):
    vote = make_vote()
    _budget_ballots(vote)
    services.close_voting(_consultation(vote), None)
    for role in (Role.RESIDENT, Role.MODERATOR):
        auth.login_as(role)
        assert client.get(f"/consultations/{vote.id}/voting").status_code == 403
        public = client.get(f"/consultations/{vote.id}").get_data(as_text=True)
        assert "Draft result" not in public
        auth.logout()


@pytest.mark.parametrize("rule", ["equalshares", "equalshares/add1",
                                  "equalshares/add1-comparison", "greedy-no-skip"])
def test_every_offered_rule_counts_the_pools(app, rule):
    vote = make_vote(tally_rule=rule)
    _budget_ballots(vote)
    result = services.close_voting(_consultation(vote), None)
    assert result.error is None
    assert result.total_cost <= Decimal("600000") + Decimal("100000")
    for pool in result.details["pools"]:
        assert Decimal(pool["total_cost"]) <= Decimal(pool["budget"])


def test_closing_needs_voting_to_have_started(client, auth):
    vote = make_vote(phase="deliberation")
    auth.login_as(Role.STAFF)
    url = f"/consultations/{vote.id}/voting/close"
    assert "Voting has not started yet." in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 409
    assert db.session.get(VotingSettings, vote.id).closed_at is None


def test_a_vote_closes_by_itself_at_its_end_date(app, runner, monkeypatch):
    vote = make_vote()
    _budget_ballots(vote)
    other = make_vote()  # still open: its end date has not come
    consultation = _consultation(vote)
    consultation.results_from = clock.today() + timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["votes", "close-due"])
    assert "Closed 0 vote(s)." in result.output
    monkeypatch.setattr(clock, "today", lambda: consultation.results_from)
    _consultation(other).results_from = clock.today() + timedelta(days=5)
    db.session.commit()
    result = runner.invoke(args=["votes", "close-due"])
    assert result.exit_code == 0 and f"consultations {vote.id}" in result.output
    assert db.session.get(VotingResult, vote.id).ballots_online == 4
    assert db.session.get(VotingSettings, other.id).closed_at is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vote.close"))
    assert entry.actor_id is None and entry.details["automatic"] is True


def test_the_staff_page_closes_a_vote_past_its_end_date(client, auth, monkeypatch):
    vote = make_vote()
    consultation = _consultation(vote)
    monkeypatch.setattr(clock, "today", lambda: consultation.results_from)
    auth.login_as(Role.STAFF)
    page = client.get(f"/consultations/{vote.id}/voting").get_data(as_text=True)
    assert "automatically, at the end date" in page
    assert db.session.get(VotingResult, vote.id) is not None


def test_yes_no_and_approval_results(app):
    vote = make_vote(method=VotingMethod.YES_NO, questions=("Most?", "Park?"))
    first, second = vote.questions
    for answers in ({first.id: "yes", second.id: "no"}, {first.id: "yes", second.id: "abstain"},
                    {first.id: "no", second.id: "no"}):
        services.cast_ballot(_consultation(vote), verified_voter(),
                             services.Choices(answers=answers))
    result = services.close_voting(_consultation(vote), None)
    assert result.details["questions"] == [
        {"id": first.id, "text": "Most?", "yes": 2, "no": 1, "abstain": 0, "outcome": "yes"},
        {"id": second.id, "text": "Park?", "yes": 0, "no": 2, "abstain": 1, "outcome": "no"}]

    vote = make_vote(method=VotingMethod.APPROVAL, approval_max=1)
    for proposal in (vote.city[1], vote.city[1], vote.in_north[0]):
        services.cast_ballot(_consultation(vote), verified_voter(),
                             services.Choices([proposal.id]))
    result = services.close_voting(_consultation(vote), None)
    assert result.selected == [vote.city[1].id]
    assert result.details["ranking"][0] == {"proposal_id": vote.city[1].id, "votes": 2}


def test_paper_ballots_count_in_the_tally(app, users):
    vote = make_vote()
    staff = users(Role.STAFF)
    services.record_paper_ballot(_consultation(vote), staff, make_census(None, vote.south),
                                 services.Choices([vote.city[1].id, vote.in_south[0].id]))
    result = services.close_voting(_consultation(vote), staff)
    assert (result.ballots_online, result.ballots_paper) == (0, 1)
    assert result.selected == [vote.city[1].id, vote.in_south[0].id]
