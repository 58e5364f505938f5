"""Casting a ballot online: eligibility, the review step, the ballot row, the receipt."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app import clock
from app.consultations.models import Consultation
from app.extensions import db
from app.proposals.models import Proposal, ProposalStatus
from app.votes import services
from app.votes.models import Ballot, Channel, VoterRoll, VotingMethod
from tests.votes.helpers import (
    ballots_of,
    make_census,
    make_vote,
    roll_of,
    verified_voter,
)

pytestmark = pytest.mark.usefixtures("in_english")


def _consultation(vote) -> Consultation:
    return db.session.get(Consultation, vote.id)


def _cast(client, vote, proposals=(), **answers):
    data = {"proposal": [str(p.id) for p in proposals]}
    data.update({f"answer-{q}": a for q, a in answers.items()})
    return client.post(f"/consultations/{vote.id}/vote/cast", data=data)


def test_a_verified_resident_casts_a_budget_ballot(client, auth):
    vote = make_vote()
    user = verified_voter(vote.north, email="voter@example.org")
    auth.login(user.email)
    page = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert "City-wide projects" in page and f"Projects in your district: {vote.north.name}" in page
    assert vote.in_south[0].title not in page  # another district's pool is not on the ballot

    chosen = [vote.city[0], vote.in_north[0]]
    review = client.post(f"/consultations/{vote.id}/vote/review",
                         data={"proposal": [str(p.id) for p in chosen]})
    assert review.status_code == 200
    body = review.get_data(as_text=True)
    assert "Casting is final" in body and vote.city[0].title in body
    assert ballots_of(vote) == []  # the review casts nothing

    response = _cast(client, vote, chosen)
    assert response.status_code == 303
    assert response.location.endswith(f"/consultations/{vote.id}/vote/receipt")
    receipt_page = client.get(response.location).get_data(as_text=True)
    code = re.search(r'<code id="receipt-code">([A-Z2-7-]+)</code>', receipt_page).group(1)
    assert len(code.replace("-", "")) * 5 >= 128  # base 32: five bits a character

    [ballot] = ballots_of(vote)
    assert ballot.choices == {"proposals": sorted(p.id for p in chosen)}
    assert ballot.district_id == vote.north.id and ballot.channel is Channel.ONLINE
    assert re.fullmatch(r"[0-9a-f]{32}", ballot.id)
    assert (ballot.cast_hour.minute, ballot.cast_hour.second,
            ballot.cast_hour.microsecond) == (0, 0, 0)
    assert ballot.receipt_hash == services.receipt_hash(code)
    assert code not in str(ballot.choices) and ballot.receipt_hash != code
    assert not {"user_id", "census_entry_id", "created_at"} & set(Ballot.__table__.columns.keys())
    # No foreign key leads from a ballot to a person, a login or the roll; the id is random.
    targets = {key.column.table.name for key in Ballot.__table__.foreign_keys}
    assert targets <= {"consultations", "districts"}, targets
    assert Ballot.__table__.c.id.autoincrement is not True
    [entry] = roll_of(vote)
    assert entry.user_id == user.id and entry.census_entry_id == user.census_entry.id
    assert entry.recorded_hour == ballot.cast_hour

    download = client.get(f"/consultations/{vote.id}/vote/receipt.txt")
    assert download.status_code == 200 and code in download.get_data(as_text=True)
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.post(f"/consultations/{vote.id}/vote/receipt/forget").status_code == 303
    again = client.get(f"/consultations/{vote.id}/vote/receipt").get_data(as_text=True)
    assert code not in again and "shown only once" in again
    assert client.get(f"/consultations/{vote.id}/vote/receipt.txt").status_code == 404


def test_a_second_attempt_gets_already_voted_not_an_error(client, auth):
    vote = make_vote()
    user = verified_voter(vote.north)
    auth.login(user.email)
    assert _cast(client, vote, [vote.city[0]]).status_code == 303
    again = _cast(client, vote, [vote.city[1]])
    assert again.status_code == 409
    assert "You have already voted" in again.get_data(as_text=True)
    page = client.get(f"/consultations/{vote.id}/vote")
    assert page.status_code == 200 and "You have already voted" in page.get_data(as_text=True)
    assert client.post(f"/consultations/{vote.id}/vote/review",
                       data={"proposal": [str(vote.city[1].id)]}).status_code == 409
    assert len(ballots_of(vote)) == 1


def test_the_service_refuses_a_second_vote(app, users):
    vote = make_vote(method=VotingMethod.APPROVAL)
    user = verified_voter()
    services.cast_ballot(_consultation(vote), user, services.Choices([vote.city[0].id]))
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(_consultation(vote), user, services.Choices([vote.city[1].id]))


@pytest.mark.parametrize("chosen, problem", [
    (lambda v: [v.city[0], v.city[1]], "more than the budget"),  # 700 000 > 600 000
    (lambda v: [v.in_north[0], v.in_north[1]], "more than the budget"),  # 110 000 > 100 000
    (lambda v: [], "Choose at least 1 proposal."),
    (lambda v: [v.in_south[0]], "not on your ballot"),  # another district's pool
])
def test_a_ballot_over_the_budget_or_off_the_ballot_is_refused(client, auth, chosen, problem):
    vote = make_vote()
    user = verified_voter(vote.north)
    auth.login(user.email)
    review = client.post(f"/consultations/{vote.id}/vote/review",
                         data={"proposal": [str(p.id) for p in chosen(vote)]})
    assert review.status_code == 422 and problem in review.get_data(as_text=True)
    response = _cast(client, vote, chosen(vote))
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    assert ballots_of(vote) == [] and roll_of(vote) == []


def test_min_and_max_picks(client, auth):
    vote = make_vote(min_picks=2, max_picks=2, city_budget=10_000_000)
    auth.login(verified_voter(vote.north).email)
    one = client.post(f"/consultations/{vote.id}/vote/review",
                      data={"proposal": [str(vote.city[0].id)]})
    assert one.status_code == 422 and "Choose at least 2 proposals" in one.get_data(as_text=True)
    three = client.post(f"/consultations/{vote.id}/vote/review",
                        data={"proposal": [str(p.id) for p in vote.city]})
    assert three.status_code == 422 and "Choose at most 2" in three.get_data(as_text=True)
    assert _cast(client, vote, vote.city[:2]).status_code == 303


def test_the_running_total_fragment_and_the_no_javascript_update(client, auth):
    vote = make_vote()
    auth.login(verified_voter(vote.north).email)
    query = f"proposal={vote.city[0].id}&proposal={vote.city[1].id}"
    fragment = client.get(f"/consultations/{vote.id}/vote/total?{query}",
                          headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert "over the budget by" in body and "2 proposals chosen" in body
    assert "HX-Request" in fragment.headers["Vary"]
    # Without JavaScript "Update the total" shows the ballot again with the choices kept.
    page = client.post(f"/consultations/{vote.id}/vote/review",
                       data={"update": "1", "proposal": [str(vote.city[2].id)]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in text
    assert f'value="{vote.city[2].id}" checked' in text
    assert "1 proposal chosen" in text and "Check your vote" not in text
    over = client.post(f"/consultations/{vote.id}/vote/review",
                       data={"update": "1", "proposal": [str(vote.city[0].id),
                                                         str(vote.city[1].id)]})
    assert over.status_code == 200 and "over the budget by" in over.get_data(as_text=True)
    assert ballots_of(vote) == []
    plain = client.get(f"/consultations/{vote.id}/vote/total?{query}")
    assert plain.status_code == 303 and "/vote?" in plain.location


def test_approval_ballot_up_to_k(client, auth):
    vote = make_vote(method=VotingMethod.APPROVAL, approval_max=2,
                     verification_required=False)
    auth.login_as()
    page = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert "Choose up to 2 proposals." in page
    too_many = _cast(client, vote, vote.city)
    assert too_many.status_code == 422 and "Choose at most 2" in too_many.get_data(as_text=True)
    assert _cast(client, vote, vote.city[:2]).status_code == 303
    [ballot] = ballots_of(vote)
    assert ballot.district_id is None  # unverified: no census district
    assert roll_of(vote)[0].census_entry_id is None


def test_yes_no_ballot(client, auth):
    vote = make_vote(method=VotingMethod.YES_NO, questions=("Most?", "Park?"))
    auth.login(verified_voter(vote.south).email)
    first, second = vote.questions
    page = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert "Question 1" in page and "Park?" in page and "I abstain" in page
    missing = client.post(f"/consultations/{vote.id}/vote/review",
                          data={f"answer-{first.id}": "yes"})
    assert missing.status_code == 422
    assert "Answer question 2" in missing.get_data(as_text=True)
    bad = _cast(client, vote, **{str(first.id): "maybe", str(second.id): "no"})
    assert bad.status_code == 422
    review = client.post(f"/consultations/{vote.id}/vote/review",
                         data={f"answer-{first.id}": "yes", f"answer-{second.id}": "abstain"})
    assert review.status_code == 200 and "Casting is final" in review.get_data(as_text=True)
    assert _cast(client, vote, **{str(first.id): "yes", str(second.id): "abstain"}
                 ).status_code == 303
    [ballot] = ballots_of(vote)
    assert ballot.choices == {"answers": {str(first.id): "yes", str(second.id): "abstain"}}


# -- Eligibility ---------------------------------------------------------------------------


def test_verification_required(client, auth):
    vote = make_vote()
    auth.login_as()
    page = client.get(f"/consultations/{vote.id}/vote")
    assert page.status_code == 200
    assert "for verified residents" in page.get_data(as_text=True)
    assert _cast(client, vote, [vote.city[0]]).status_code == 403
    assert ballots_of(vote) == []


def test_minimum_age_on_the_voting_day(client, auth, monkeypatch):
    vote = make_vote(minimum_age=16)
    today = date.today()
    young = verified_voter(vote.north, birth_year=today.year - 15)
    auth.login(young.email)
    page = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert "from the age of 16" in page
    assert _cast(client, vote, [vote.city[0]]).status_code == 403
    # The same person a year later (the voting day decides): old enough.
    monkeypatch.setattr(clock, "today", lambda: today + timedelta(days=366))
    settings = services.get_settings(_consultation(vote))
    assert services.census_refusal(settings, young.census_entry) is None


def test_districts_allowed_to_vote(client, auth):
    vote = make_vote(districts=("north",), verification_required=False)
    auth.login(verified_voter(vote.south).email)
    assert "Residents of your district do not vote" in client.get(
        f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert _cast(client, vote, [vote.city[0]]).status_code == 403
    auth.logout()
    auth.login_as()  # not verified: the district cannot be known
    assert "can be checked only for verified residents" in client.get(
        f"/consultations/{vote.id}/vote").get_data(as_text=True)
    auth.logout()
    auth.login(verified_voter(vote.north).email)
    assert _cast(client, vote, [vote.city[0]]).status_code == 303


@pytest.mark.parametrize("phase, message, status", [
    ("deliberation", "Voting opens on", 409), ("results", "Voting has closed", 409)])
def test_voting_only_in_the_voting_phase(client, auth, phase, message, status):
    vote = make_vote(phase=phase)
    auth.login(verified_voter(vote.north).email)
    page = client.get(f"/consultations/{vote.id}/vote")
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    response = _cast(client, vote, [vote.city[0]])
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client):
    vote = make_vote()
    assert client.get(f"/consultations/{vote.id}/vote").status_code == 302
    assert client.post(f"/consultations/{vote.id}/vote/cast", data={}).status_code == 302


# -- Options frozen ------------------------------------------------------------------------


def test_options_are_frozen_when_voting_opens(client, auth):
    vote = make_vote()
    auth.login(verified_voter(vote.north).email)
    client.get(f"/consultations/{vote.id}/vote")  # the first look during voting freezes them
    proposal = db.session.get(Proposal, vote.city[0].id)
    proposal.status = ProposalStatus.REJECTED
    proposal.estimated_cost = 1
    db.session.commit()
    page = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert vote.city[0].title in page and "400,000.00" in page
    assert _cast(client, vote, [vote.city[0]]).status_code == 303


def test_paper_voter_on_census_without_account_blocks_nobody_else(app):
    vote = make_vote()
    entry = make_census(None, vote.north)
    assert not services.paper_voter_on_roll(_consultation(vote), entry)
    assert db.session.query(VoterRoll).count() == 0
    assert db.session.query(Ballot).count() == 0
