"""Posting limits hold when one person posts many comments at the same moment.

Only on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import antispam, create_app
from app.accounts.models import User
from app.admin.services import set_setting
from app.discussion import services
from app.discussion.models import Comment, Stance
from app.extensions import db
from app.proposals.models import Proposal
from config import TestConfig

ATTEMPTS = 20
LIMIT = 3


@pytest.fixture
def parallel_app(app, database_url) -> Iterator[Flask]:
    """A second app on the same database with a connection for every thread."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")
    parallel = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                          MAIL_OUTBOX_DIR=app.config["MAIL_OUTBOX_DIR"],
                          SQLALCHEMY_ENGINE_OPTIONS={"pool_size": ATTEMPTS + 5,
                                                     "max_overflow": 0})
    yield parallel
    with parallel.app_context():
        db.engine.dispose()


def _race(parallel_app: Flask, proposal_id: int, user_id: int) -> tuple[list, list]:
    """ATTEMPTS threads post a comment as the same person at the same moment."""
    barrier = threading.Barrier(ATTEMPTS, timeout=60)
    results: list = []
    errors: list[BaseException] = []

    def post() -> None:
        with parallel_app.test_request_context():
            try:
                proposal = db.session.get(Proposal, proposal_id)
                author = db.session.get(User, user_id)
                assert proposal.consultation is not None  # loaded before the race
                barrier.wait()
                services.post_comment(author, proposal, body="Naraz.", stance=Stance.FOR)
                results.append("posted")
            except antispam.PostingLimitReached:
                results.append("limited")
            except BaseException as error:  # every exception must reach the assertion
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def limited(app, users, proposal):
    """A resident allowed LIMIT comments a minute, and the proposal they comment on."""
    set_setting("comments_per_minute", LIMIT)
    db.session.commit()
    return users(), proposal


def _comments() -> int:
    return db.session.scalar(select(func.count()).select_from(Comment))


def test_simultaneous_comments_stop_at_the_limit(parallel_app, limited):
    user, proposal = limited
    results, errors = _race(parallel_app, proposal.id, user.id)
    assert errors == []
    assert results.count("posted") == LIMIT
    assert results.count("limited") == ATTEMPTS - LIMIT
    assert _comments() == LIMIT


def test_without_the_lock_the_same_race_passes_the_limit(parallel_app, limited, monkeypatch):
    """The row lock, not luck, keeps the count: without it the race shows."""
    user, proposal = limited
    monkeypatch.setattr(antispam, "_serialise_posts_of", lambda user: None)
    results, errors = _race(parallel_app, proposal.id, user.id)
    assert errors == []
    assert results.count("posted") > LIMIT
    assert _comments() > LIMIT
