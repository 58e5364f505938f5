"""Concurrency fixtures shared by every test folder: a second app whose threads really run in
parallel on PostgreSQL, and a helper that releases many threads at one moment.

Registered for the whole suite in tests/conftest.py (pytest_plugins). SQLite serialises
writers, so tests using `parallel_app` run on PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestConfig

ATTEMPTS = 50


@pytest.fixture
def parallel_app(app, database_url) -> Iterator[Flask]:
    """A second app on the same database with a connection for every thread."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")
    parallel = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                          SQLALCHEMY_ENGINE_OPTIONS={"pool_size": ATTEMPTS + 5,
                                                     "max_overflow": 0})
    yield parallel
    with parallel.app_context():
        db.engine.dispose()


def all_at_once(work: Callable[[threading.Barrier], object],
                attempts: int = ATTEMPTS) -> tuple[list, list]:
    """Run `work` in `attempts` threads released together; return results and exceptions."""
    barrier = threading.Barrier(attempts, timeout=60)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work(barrier))
        except BaseException as error:  # every exception must reach the assertion
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def signed_in(parallel_app: Flask, email: str) -> tuple[str, str]:
    """A session cookie of `parallel_app` signed in as `email`, and its CSRF token."""
    from tests.conftest import PASSWORD, AgoraClient

    parallel_app.test_client_class = AgoraClient
    client = parallel_app.test_client()
    response = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    token = client.csrf_token()
    return client.get_cookie(parallel_app.config["SESSION_COOKIE_NAME"]).value, token


def post_all_at_once(parallel_app: Flask,
                     posts: list[tuple[tuple[str, str], str, dict]]) -> list[tuple[int, str]]:
    """Each (session from `signed_in`, url, form data) POSTed in its own thread, all released
    at one moment; the status and text of every answer, in the order of `posts`."""
    name = parallel_app.config["SESSION_COOKIE_NAME"]
    turn = iter(range(len(posts)))
    lock = threading.Lock()
    answers: list = [None] * len(posts)

    def post(barrier: threading.Barrier) -> None:
        with lock:
            number = next(turn)
        (cookie, token), url, data = posts[number]
        client = parallel_app.test_client()
        client.set_cookie(name, cookie)
        barrier.wait()
        response = client.post(url, data={**data, "csrf_token": token})
        answers[number] = (response.status_code, response.get_data(as_text=True))

    _results, errors = all_at_once(post, attempts=len(posts))
    assert errors == []
    return answers

