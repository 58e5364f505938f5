"""One person, one vote under concurrency (QUALITY.md): 50 simultaneous casts by one voter.

Only on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import text

from app.accounts.models import User
from app.consultations.models import Consultation
from app.extensions import db
from app.votes import services
from app.votes.models import Ballot, VoterRoll
from tests.concurrency_fixtures import ATTEMPTS, all_at_once
from tests.conftest import PASSWORD, AgoraClient
from tests.votes.helpers import ballots_of, count, make_vote, roll_of, verified_voter

ROLL_CONSTRAINTS = {
    "uq_voter_roll_consultation_id_user_id": "(consultation_id, user_id)",
    "uq_voter_roll_consultation_id_census_entry_id": "(consultation_id, census_entry_id)",
}


def _race_casts(parallel_app: Flask, vote, user: User) -> tuple[list, list]:
    """ATTEMPTS threads POST the same cast for the same signed-in person at one moment."""
    parallel_app.test_client_class = AgoraClient
    first = parallel_app.test_client()
    assert first.post("/account/login",
                      data={"email": user.email, "password": PASSWORD}).status_code == 303
    token = first.csrf_token()
    # Opening the ballot once freezes its options, as the first voter's visit does.
    assert first.get(f"/consultations/{vote.id}/vote").status_code == 200
    name = parallel_app.config["SESSION_COOKIE_NAME"]
    cookie = first.get_cookie(name).value
    url = f"/consultations/{vote.id}/vote/cast"
    data = {"csrf_token": token, "proposal": [str(vote.city[0].id), str(vote.in_north[0].id)]}

    def post(barrier: threading.Barrier) -> tuple[int, str]:
        client = parallel_app.test_client()
        client.set_cookie(name, cookie)
        barrier.wait()
        response = client.post(url, data=data)
        return response.status_code, response.get_data(as_text=True)

    return all_at_once(post)


def test_fifty_simultaneous_casts_make_one_ballot(app, parallel_app):
    vote = make_vote()
    user = verified_voter(vote.north)
    results, errors = _race_casts(parallel_app, vote, user)
    assert errors == []
    statuses = [status for status, _body in results]
    assert 500 not in statuses
    assert statuses.count(303) == 1
    assert statuses.count(409) == ATTEMPTS - 1
    refused = [body for status, body in results if status == 409]
    assert all("You have already voted" in body or "Twój głos jest już oddany" in body
               for body in refused)
    assert len(ballots_of(vote)) == 1
    assert len(roll_of(vote)) == 1
    assert services.roll_check(db.session.get(Consultation, vote.id)).ok


def test_without_the_unique_constraints_the_same_race_makes_duplicates(app, parallel_app):
    """The constraints, not luck or an earlier check, keep one vote per person."""
    vote = make_vote()
    user = verified_voter(vote.north)
    db.session.commit()
    for name in ROLL_CONSTRAINTS:
        db.session.execute(text(f"ALTER TABLE voter_roll DROP CONSTRAINT {name}"))
    db.session.commit()
    try:
        results, errors = _race_casts(parallel_app, vote, user)
        assert errors == []
        assert [status for status, _body in results].count(303) > 1
        assert len(ballots_of(vote)) > 1
        assert count(VoterRoll, user_id=user.id) > 1
    finally:
        db.session.rollback()
        db.session.execute(text("DELETE FROM voter_roll"))
        db.session.execute(text("DELETE FROM ballots"))
        for name, columns in ROLL_CONSTRAINTS.items():
            db.session.execute(text(f"ALTER TABLE voter_roll ADD CONSTRAINT {name} "
                                    f"UNIQUE {columns}"))
        db.session.commit()
    assert count(Ballot) == 0
