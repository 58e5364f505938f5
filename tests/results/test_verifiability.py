"""After publication anyone can check the count: the ballots as .pb (per pool) and CSV with
their SHA-256, recounted by pabutools and by scripts/recount.py to the published result; the
receipts list; and nothing in the files ties a ballot to a voter."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pytest

from app.accounts.models import Role
from app.consultations.models import Consultation
from app.extensions import db
from app.results import services
from app.votes import services as votes
from app.votes import tally as engine
from app.votes.models import Ballot, VoterRoll, VotingMethod
from app.votes.tally.election import natural_key
from app.votes.tally.explain import explain
from tests.results.helpers import Closed, closed_vote, publish
from tests.results.recounting import with_pabutools, with_script
from tests.votes.helpers import make_vote, verified_voter

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def published():
    closed = closed_vote()
    publish(closed)
    return closed


def test_the_published_pb_files_recount_to_the_published_result(client, published):
    data = client.get(f"/api/v1/consultations/{published.vote.id}/results").get_json()
    assert data["rule"] == "equalshares/add1" and data["publication"] == 1
    everything = []
    for pool in data["pools"]:
        key = "city" if pool["district_id"] is None else str(pool["district_id"])
        response = client.get(f"/api/v1/consultations/{published.vote.id}/ballots.pb",
                              query_string={"pool": key})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        expected = sorted((str(p) for p in pool["selected"]), key=natural_key)
        assert with_pabutools(text, data["rule"]) == expected
        assert with_script(text) == expected
        assert response.headers["X-Content-SHA256"] == hashlib.sha256(
            response.get_data()).hexdigest()
        everything += pool["selected"]
    assert sorted(everything) == sorted(data["selected"])
    # The city pool is where Equal Shares and greedy differ: 300 + 200, not 400 + 300.
    city = published.vote.city
    assert sorted(data["pools"][0]["selected"]) == sorted([city[1].id, city[2].id])
    hashes = {f["name"]: f["sha256"] for f in data["files"]}
    assert set(hashes) == {"ballots-city.pb", f"ballots-district-{published.vote.north.id}.pb",
                           "ballots.csv"}
    for name, digest in hashes.items():
        body = client.get(f"/consultations/{published.vote.id}/results/files/{name}").get_data()
        assert hashlib.sha256(body).hexdigest() == digest
    assert client.get(f"/api/v1/consultations/{published.vote.id}/ballots.pb",
                      query_string={"pool": "nowhere"}).status_code == 400
    assert client.get(f"/api/v1/consultations/{published.vote.id}/ballots.pb",
                      query_string={"pool": "999999"}).status_code == 404


def test_the_files_hold_no_personal_data(client, published):
    publication = services.current(published.vote.id)
    text = "\n".join(f.content.decode() for f in services.files_of(publication))
    api = client.get(f"/api/v1/consultations/{published.vote.id}/results").get_data(as_text=True)
    secrets = [b.receipt_hash for b in db.session.scalars(
        db.select(Ballot).where(Ballot.consultation_id == published.vote.id))]
    secrets += [b.id for b in db.session.scalars(
        db.select(Ballot).where(Ballot.consultation_id == published.vote.id))]
    secrets += [votes.receipt_hash(code)[:12] for code in published.receipts]
    for entry in db.session.scalars(db.select(VoterRoll).where(
            VoterRoll.consultation_id == published.vote.id)):
        secrets.append(db.session.get(type(published.staff), entry.user_id).email)
    for secret in filter(None, secrets):
        assert secret not in text and secret not in api
    # Voter ids are the ballots' numbers, 1 to the number of ballots.
    election = engine.parse_pabulib(services.pool_file(publication, "city").content.decode())
    assert {int(v.voter_id) for v in election.votes} <= set(range(1, len(secrets) + 1))
    lines = services.file_named(publication, "ballots.csv").content.decode().splitlines()
    assert lines[0] == "ballot,district_id,proposals" and len(lines) == 1 + 7


def test_a_voter_finds_their_receipt(client, published):
    url = f"/consultations/{published.vote.id}/results/receipts"
    page = client.get(url).get_data(as_text=True)
    for code in published.receipts:
        assert votes.receipt_hash(code) in page
    found = client.get(url, query_string={"code": published.receipts[0].lower()})
    assert "Your ballot is in the count." in found.get_data(as_text=True)
    missing = client.get(url, query_string={"code": "AAAA-BBBB"})
    assert "No ballot with this receipt is in the count" in missing.get_data(as_text=True)


def test_the_results_page_explains_equal_shares_with_charts(client, published):
    page = client.get(f"/consultations/{published.vote.id}/results").get_data(as_text=True)
    city = published.vote.city
    assert page.count('<svg class="chart" role="img"') == 3  # turnout and two pools
    assert "<desc>" in page and "How Equal Shares decided" in page
    assert "Funds and projects per strategy goal" in page  # implementation/_goals_summary
    assert f"“{city[0].title}” would be funded by counting votes alone" in page
    assert f"“{city[2].title}” has fewer votes" in page
    for published_file in services.files_of(services.current(published.vote.id)):
        assert published_file.sha256 in page


def test_the_explanation_funds_what_the_engine_funds(published):
    consultation = published.consultation
    settings = votes.get_settings(consultation)
    ballots = services._ballots(consultation.id)
    for _district, election in votes.budget_elections(consultation, settings, ballots):
        outcome = engine.tally(election, "equalshares/add1")
        share = outcome.details["per_voter_budget"]
        told = explain(election, outcome.selected, share)
        assert tuple(p.project_id for p in told.payments) == outcome.details["mes_selected"]
        for payment in told.payments:  # the supporters' payments cover the cost exactly
            assert payment.price * payment.paid_in_full <= payment.cost
        plain = explain(election, engine.tally(election, "equalshares").selected)
        assert plain.per_voter_budget == election.budget / len(election.votes)
        assert all(isinstance(p.price, Fraction) for p in plain.payments)


def _closed_and_published(vote) -> Closed:
    staff, other = verified_voter(role=Role.STAFF), verified_voter(role=Role.STAFF)
    votes.close_voting(db.session.get(Consultation, vote.id), staff)
    closed = Closed(vote, [], staff, other)
    publish(closed)
    return closed


def test_an_approval_vote_is_published_as_a_pb_file_that_recounts(client):
    """Choose up to 2: options cost 1 in the file and the budget is 2, so a greedy count by
    votes (scripts/recount.py, pabutools) finds the same two winners, ties to the lower id."""
    vote = make_vote(method=VotingMethod.APPROVAL, approval_max=2)
    c, north = vote.city, vote.in_north
    for picks in ([c[2], north[0]], [c[2]], [north[0], c[0]], [c[0]]):
        votes.cast_ballot(db.session.get(Consultation, vote.id), verified_voter(),
                          votes.Choices([p.id for p in picks]))
    closed = _closed_and_published(vote)
    data = client.get(f"/api/v1/consultations/{vote.id}/results").get_json()
    # Three options have two votes each: the two lowest ids win, the tie is on record.
    expected = sorted([c[0].id, c[2].id, north[0].id])[:2]
    assert sorted(data["selected"]) == expected
    assert {f["name"] for f in data["files"]} == {"ballots.pb", "ballots.csv"}

    response = client.get(f"/api/v1/consultations/{vote.id}/ballots.pb")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "vote_type;approval" in text and "budget;2" in text and "rule;greedy" in text
    assert "Each option is given cost 1" in text
    assert with_script(text) == [str(pid) for pid in expected]
    assert with_pabutools(text, "greedy") == [str(pid) for pid in expected]
    election = engine.parse_pabulib(text)
    assert len(election.votes) == 4
    assert all(project.cost == 1 for project in election.projects.values())
    assert {pid for pid, p in election.projects.items() if p.fields["selected"] == "1"} == {
        str(pid) for pid in expected}
    page = client.get(f"/consultations/{closed.vote.id}/results").get_data(as_text=True)
    assert "Recount the .pb files" in page


def test_a_yes_no_vote_is_published_as_csv(client):
    vote = make_vote(method=VotingMethod.YES_NO, questions=("Most?",))
    [question] = vote.questions
    for answer in ("yes", "yes", "no"):
        votes.cast_ballot(db.session.get(Consultation, vote.id), verified_voter(),
                          votes.Choices(answers={question.id: answer}))
    _closed_and_published(vote)
    data = client.get(f"/api/v1/consultations/{vote.id}/results").get_json()
    assert [f["name"] for f in data["files"]] == ["ballots.csv"]
    assert client.get(f"/api/v1/consultations/{vote.id}/ballots.pb").status_code == 404
    csv_text = client.get(f"/consultations/{vote.id}/results/files/ballots.csv").get_data(
        as_text=True)
    rows = csv_text.strip().splitlines()
    assert rows[0] == f"ballot,district_id,question_{question.id}"
    assert sorted(row.rsplit(",", 1)[1] for row in rows[1:]) == ["no", "yes", "yes"]
    page = client.get(f"/consultations/{vote.id}/results").get_data(as_text=True)
    assert "count the answers in any spreadsheet" in page
    assert "Recount the .pb files" not in page
