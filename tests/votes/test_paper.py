"""Paper ballots recorded by staff for people on the census: online and paper exclude each
other, and the counts are shown apart."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.consultations.models import Consultation
from app.extensions import db
from app.moderation.models import AuditEntry
from app.votes import services
from app.votes.models import Channel
from tests.votes.helpers import (
    ballots_of,
    make_census,
    make_pesel,
    make_vote,
    roll_of,
    verified_voter,
)

pytestmark = pytest.mark.usefixtures("in_english")


def _record(client, vote, pesel, proposals, step="review"):
    url = f"/consultations/{vote.id}/voting/paper"
    data = {"pesel": pesel, "step": step, "proposal": [str(p.id) for p in proposals]}
    review = client.post(url, data=data)
    if review.status_code != 200:
        return review
    return client.post(f"{url}/record", data=data)


def test_staff_record_a_paper_ballot_in_three_steps(client, auth):
    vote = make_vote()
    pesel = make_pesel()
    make_census(None, vote.north, pesel=pesel)  # on the census, without an account
    staff = auth.login_as(Role.STAFF)
    url = f"/consultations/{vote.id}/voting/paper"
    found = client.post(url, data={"pesel": pesel})
    body = found.get_data(as_text=True)
    assert found.status_code == 200 and f"district {vote.north.name}" in body
    assert vote.in_north[0].title in body and vote.in_south[0].title not in body
    over = client.post(url, data={"pesel": pesel, "step": "review",
                                  "proposal": [str(vote.city[0].id), str(vote.city[1].id)]})
    assert over.status_code == 422 and "more than the budget" in over.get_data(as_text=True)
    review = client.post(url, data={"pesel": pesel, "step": "review",
                                    "proposal": [str(vote.city[0].id)]})
    assert review.status_code == 200 and "Recording is final" in review.get_data(as_text=True)
    assert ballots_of(vote) == []
    recorded = client.post(f"{url}/record", data={"pesel": pesel,
                                                  "proposal": [str(vote.city[0].id)]})
    assert recorded.status_code == 303
    [ballot] = ballots_of(vote)
    assert ballot.channel is Channel.PAPER and ballot.receipt_hash is None
    assert ballot.district_id == vote.north.id
    [entry] = roll_of(vote)
    assert entry.channel is Channel.PAPER and entry.recorded_by_id == staff.id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vote.paper"))
    assert audit.target_type == "consultation" and audit.target_id == vote.id
    assert audit.details == {"district_id": vote.north.id}  # nobody is named: the log is public
    assert pesel not in str(audit.details)
    overview = client.get(f"/consultations/{vote.id}/voting").get_data(as_text=True)
    assert "The voter roll and the ballots agree" in overview


def test_a_person_recorded_on_paper_cannot_vote_online(client, auth):
    vote = make_vote()
    pesel = make_pesel()
    voter = verified_voter(vote.north)
    db.session.delete(voter.census_entry)
    db.session.commit()
    make_census(voter, vote.north, pesel=pesel)
    auth.login_as(Role.STAFF)
    assert _record(client, vote, pesel, [vote.city[2]]).status_code == 303
    auth.logout()
    auth.login(voter.email)
    page = client.get(f"/consultations/{vote.id}/vote").get_data(as_text=True)
    assert "You have already voted" in page
    cast = client.post(f"/consultations/{vote.id}/vote/cast",
                       data={"proposal": [str(vote.city[0].id)]})
    assert cast.status_code == 409
    assert len(ballots_of(vote)) == 1


def test_a_person_who_voted_online_cannot_be_recorded_on_paper(client, auth):
    vote = make_vote()
    pesel = make_pesel()
    voter = verified_voter(vote.north)
    db.session.delete(voter.census_entry)
    db.session.commit()
    make_census(voter, vote.north, pesel=pesel)
    auth.login(voter.email)
    assert client.post(f"/consultations/{vote.id}/vote/cast",
                       data={"proposal": [str(vote.city[0].id)]}).status_code == 303
    auth.logout()
    auth.login_as(Role.STAFF)
    response = client.post(f"/consultations/{vote.id}/voting/paper", data={"pesel": pesel})
    assert response.status_code == 409
    assert "already voted" in response.get_data(as_text=True)
    # Even past the lookup (a second desk, at the same moment), the roll refuses it.
    consultation = db.session.get(Consultation, vote.id)
    with pytest.raises(services.AlreadyVoted):
        services.record_paper_ballot(consultation, voter, voter.census_entry,
                                     services.Choices([vote.city[1].id]))
    assert len(ballots_of(vote)) == 1


def test_paper_and_online_are_counted_apart(client, auth):
    vote = make_vote()
    consultation = db.session.get(Consultation, vote.id)
    services.cast_ballot(consultation, verified_voter(vote.north),
                         services.Choices([vote.city[0].id]))
    services.cast_ballot(consultation, verified_voter(vote.south),
                         services.Choices([vote.in_south[0].id]))
    staff = auth.login_as(Role.STAFF)
    services.record_paper_ballot(consultation, staff, make_census(None, vote.north),
                                 services.Choices([vote.city[1].id]))
    check = services.roll_check(consultation)
    assert check.ok
    assert (check.total(Channel.ONLINE), check.total(Channel.PAPER)) == (2, 1)
    rows = {(row.district_id, row.channel): (row.roll, row.ballots) for row in check.rows}
    assert rows == {(vote.north.id, Channel.ONLINE): (1, 1), (vote.south.id, Channel.ONLINE):
                    (1, 1), (vote.north.id, Channel.PAPER): (1, 1)}
    page = client.get(f"/consultations/{vote.id}/voting").get_data(as_text=True)
    assert "<dt>Online</dt><dd>2</dd>" in page and "<dt>On paper</dt><dd>1</dd>" in page


def test_lookup_errors(client, auth):
    vote = make_vote(minimum_age=18)
    auth.login_as(Role.STAFF)
    url = f"/consultations/{vote.id}/voting/paper"
    assert "not a valid PESEL" in client.post(url, data={"pesel": "12345678901"}).get_data(
        as_text=True)
    unknown = client.post(url, data={"pesel": make_pesel()})
    assert unknown.status_code == 422 and "No one with this PESEL" in unknown.get_data(
        as_text=True)
    pesel = make_pesel(birth_year=2020)
    make_census(None, vote.north, birth_year=2020, pesel=pesel)
    young = client.post(url, data={"pesel": pesel})
    assert young.status_code == 403 and "from the age of 18" in young.get_data(as_text=True)


def test_paper_ballots_only_while_voting_is_open(client, auth):
    vote = make_vote(phase="deliberation")
    auth.login_as(Role.STAFF)
    response = client.post(f"/consultations/{vote.id}/voting/paper", data={"pesel": make_pesel()})
    assert response.status_code == 409 and "Voting opens on" in response.get_data(as_text=True)
