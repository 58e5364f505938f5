"""Known and unknown addresses get the same answer in about the same time."""

from __future__ import annotations

import statistics
import time

import pytest

from app import create_app
from config import TestConfig
from tests.conftest import AgoraClient, make_user

ROUNDS = 12


@pytest.fixture
def unlimited_client(database_url, tmp_path, app):
    """A client of an app without rate limits, so many attempts can be timed."""
    instance = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                          MAIL_OUTBOX_DIR=str(tmp_path / "outbox"), RATELIMIT_ENABLED=False)
    instance.test_client_class = AgoraClient
    yield instance.test_client()
    with instance.app_context():
        from app.extensions import db

        db.engine.dispose()


def _median_seconds(first, second) -> tuple[float, float]:
    """Median times of two requests, taken in turns so that a busy moment of the machine
    slows both alike."""
    first(), second()  # warm up
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(ROUNDS):
        for send, times in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            send()
            times.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def _assert_similar(known: float, unknown: float) -> None:
    # Without the dummy hash an unknown login takes a fraction of a known one; a factor of
    # two leaves room for a busy machine while still catching that.
    assert max(known, unknown) < 2 * min(known, unknown), (known, unknown)


@pytest.mark.parametrize("path,fields", [
    ("/account/login", {"password": "some wrong password"}),
    ("/account/reset", {}),
    ("/account/register", {"display_name": "Someone", "password": "long enough password",
                           "password_confirm": "long enough password", "consent": "y"}),
])
def test_same_time_for_known_and_unknown_addresses(unlimited_client, path, fields):
    known = make_user(email="known@example.org")
    token = unlimited_client.csrf_token()

    def send(email):
        return lambda: unlimited_client.post(
            path, data={**fields, "email": email, "csrf_token": token}, csrf=False)

    for_known, for_unknown = _median_seconds(send(known.email), send("unknown@example.org"))
    _assert_similar(for_known, for_unknown)
