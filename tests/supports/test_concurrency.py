"""One person, one support, under concurrency (QUALITY.md): 50 simultaneous attempts.

Only on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import text

from app.accounts.models import User
from app.extensions import db
from app.proposals.models import Proposal
from app.supports import services
from app.supports.models import Pledge, PledgeRole
from tests.concurrency_fixtures import ATTEMPTS, all_at_once
from tests.conftest import PASSWORD, AgoraClient
from tests.supports.helpers import count, fresh, open_proposal, support_rows

SUPPORT_CONSTRAINT = "uq_supports_proposal_id_user_id"


def _race_supports(parallel_app: Flask, proposal_id: int, user_id: int) -> tuple[list, list]:
    """ATTEMPTS threads call the support service for the same person at the same moment."""

    def support(barrier: threading.Barrier) -> bool:
        with parallel_app.app_context():
            try:
                target = db.session.get(Proposal, proposal_id)
                supporter = db.session.get(User, user_id)
                assert target.consultation is not None  # loaded before the race
                barrier.wait()
                return services.support_proposal(target, supporter)
            finally:
                db.session.remove()

    return all_at_once(support)


def test_fifty_simultaneous_supports_through_the_service(app, parallel_app, users):
    proposal = open_proposal(threshold=1)
    user = users()
    results, errors = _race_supports(parallel_app, proposal.id, user.id)
    assert errors == []
    assert results.count(True) == 1 and results.count(False) == ATTEMPTS - 1
    assert support_rows(proposal) == 1
    assert fresh(proposal).support_count == 1
    assert fresh(proposal).qualified_at is not None


def test_without_the_unique_constraint_the_same_race_double_counts(app, parallel_app, users):
    """The constraint, not luck, keeps one support per person: drop it and the race shows."""
    proposal = open_proposal()
    user = users()
    proposal_id, user_id = proposal.id, user.id
    db.session.commit()
    db.session.execute(text(f"ALTER TABLE supports DROP CONSTRAINT {SUPPORT_CONSTRAINT}"))
    db.session.commit()
    try:
        results, errors = _race_supports(parallel_app, proposal_id, user_id)
        assert errors == []
        assert results.count(True) > 1
        assert support_rows(proposal) > 1
    finally:
        db.session.rollback()
        db.session.execute(text("DELETE FROM supports"))
        db.session.execute(text(f"ALTER TABLE supports ADD CONSTRAINT {SUPPORT_CONSTRAINT} "
                                "UNIQUE (proposal_id, user_id)"))
        db.session.commit()


def test_fifty_simultaneous_support_requests(app, parallel_app, users):
    proposal = open_proposal()
    user = users()
    url = f"/proposals/{proposal.id}/support"
    parallel_app.test_client_class = AgoraClient
    first = parallel_app.test_client()
    assert first.post("/account/login",
                      data={"email": user.email, "password": PASSWORD}).status_code == 303
    token = first.csrf_token()
    name = parallel_app.config["SESSION_COOKIE_NAME"]
    cookie = first.get_cookie(name).value

    def post(barrier: threading.Barrier) -> int:
        client = parallel_app.test_client()
        client.set_cookie(name, cookie)
        barrier.wait()
        return client.post(url, data={"csrf_token": token}).status_code

    statuses, errors = all_at_once(post)
    assert errors == []
    assert statuses == [303] * ATTEMPTS
    assert support_rows(proposal) == 1
    assert fresh(proposal).support_count == 1


def test_fifty_simultaneous_pledges_keep_one_per_pledger(app, parallel_app, users):
    proposal = open_proposal()
    user = users()
    proposal_id, user_id = proposal.id, user.id
    roles = list(PledgeRole)

    def make(barrier: threading.Barrier) -> int:
        with parallel_app.app_context():
            try:
                target = db.session.get(Proposal, proposal_id)
                pledger = db.session.get(User, user_id)
                assert target.consultation is not None
                role = roles[threading.get_ident() % len(roles)]
                barrier.wait()
                return services.make_pledge(target, pledger, role).id
            finally:
                db.session.remove()

    ids, errors = all_at_once(make)
    assert errors == []
    assert count(Pledge) == 1 and len(set(ids)) == 1
