"""Staff members publishing at the same moment: served one after the other, never a 500.

Only on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app.admin.services import change_setting
from app.extensions import db
from app.moderation.audit import verify_chain
from app.results import services
from app.results.models import SECOND_APPROVAL_SETTING, Publication
from tests.concurrency_fixtures import post_all_at_once, signed_in
from tests.results.helpers import closed_vote
from tests.results.test_publishing import _answers_form

STAFF = 8


def _race(parallel_app: Flask, sessions: list[tuple[str, str]], url: str,
          data: dict) -> list[tuple[int, str]]:
    """Each session POSTs `data` to `url`, all released at one moment."""
    return post_all_at_once(parallel_app, [(session, url, data) for session in sessions])


def _says(body: str, english: str, polish: str) -> bool:
    """The page gives the message in the staff member's language."""
    return english in body or polish in body


def _staff(count: int) -> list:
    from app.accounts.models import Role
    from tests.votes.helpers import verified_voter

    staff = [verified_voter(role=Role.STAFF) for _ in range(count)]
    db.session.commit()
    return staff


def _published(consultation_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Publication).where(
        Publication.consultation_id == consultation_id,
        Publication.published_at.is_not(None)))


def test_staff_publishing_at_one_moment_make_one_publication(app, parallel_app):
    closed = closed_vote()
    change_setting(SECOND_APPROVAL_SETTING, False, None)
    form = _answers_form(closed)
    db.session.commit()
    sessions = [signed_in(parallel_app, person.email) for person in _staff(STAFF)]

    results = _race(parallel_app, sessions,
                    f"/consultations/{closed.vote.id}/results/publish", form)

    statuses = [status for status, _body in results]
    assert 500 not in statuses
    assert statuses.count(303) == 1
    assert statuses.count(409) == STAFF - 1
    assert all(_says(body, "Say what the correction changes and why.",
                     "Napisz, co zmienia korekta i dlaczego.")
               for status, body in results if status == 409)
    db.session.expire_all()
    assert _published(closed.vote.id) == 1
    assert services.current(closed.vote.id).number == 1
    assert verify_chain().ok


def test_staff_approving_at_one_moment_publish_once(app, parallel_app):
    closed = closed_vote()
    form = _answers_form(closed)
    db.session.commit()
    proposer = signed_in(parallel_app, closed.staff.email)
    client = parallel_app.test_client()
    client.set_cookie(parallel_app.config["SESSION_COOKIE_NAME"], proposer[0])
    response = client.post(f"/consultations/{closed.vote.id}/results/publish",
                           data={**form, "csrf_token": proposer[1]})
    assert response.status_code == 303
    db.session.expire_all()
    waiting = services.pending(closed.vote.id)
    sessions = [signed_in(parallel_app, person.email) for person in _staff(STAFF)]

    results = _race(parallel_app, sessions, f"/consultations/{closed.vote.id}/results/approve",
                    {"publication_id": str(waiting.id)})

    statuses = [status for status, _body in results]
    assert 500 not in statuses
    assert statuses.count(303) == 1
    assert all(_says(body, "This result is no longer waiting for approval.",
                     "Ten wynik nie czeka już na zatwierdzenie.")
               for status, body in results if status == 409)
    db.session.expire_all()
    assert _published(closed.vote.id) == 1
    assert verify_chain().ok
