"""Fixtures: one app per test on each database backend, a CSRF-aware client, factories."""

from __future__ import annotations

import email
import os
import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, make_url, text

from app import create_app
from app.accounts.models import Role, User
from app.db_types import utcnow
from app.extensions import db
from config import TestConfig
from config import database_url as driver_url

pytest_plugins = ["tests.browser_fixtures", "tests.concurrency_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'type="hidden" name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session", autouse=True)
def development_database_untouched():
    """The suite never writes to the development database in instance/."""
    path = ROOT / "instance" / "agora.db"
    before = path.stat().st_mtime if path.exists() else None
    yield
    after = path.stat().st_mtime if path.exists() else None
    assert before == after, "a test wrote to instance/agora.db"


def _worker_database(url: str) -> str:
    """The PostgreSQL database of this test worker: the given one for the first (or only)
    worker, a sibling named after the worker for the others (created when missing), so that
    workers running side by side (pytest -n) never share tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if worker == "gw0":
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    """A database with the schema built by the migrations, once per backend and run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'agora.db'}"
    else:
        url = _worker_database(driver_url(os.environ["TEST_DATABASE_URL"]))
        _reset_postgresql(url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    """Every table emptied and every id counter back at 1, as on a fresh database.

    On PostgreSQL one round trip of DELETEs and sequence resets: for tables this small it is
    some fifty times faster than TRUNCATE, which rebuilds every table's files.
    """
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        script = "".join(f'DELETE FROM "{t.name}";' for t in tables)  # noqa: S608 (our names)
        script += "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S';"
        db.session.execute(text(script))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    """A fresh app on an empty database; mail goes to a per-test outbox."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


class AgoraClient(FlaskClient):
    """A test client that sends the CSRF token, as the browser and htmx do (csrf=False to omit).

    Each request runs in its own app context, as in production, so `g` and the database
    session are not shared with the test; the test's session is expired after each request
    so it reads what the request wrote.
    """

    def csrf_token(self) -> str:
        response = self.open("/privacy", method="GET")
        match = CSRF_INPUT.search(response.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1) or match.group(2)

    def open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            data = kwargs.get("data")
            if isinstance(data, dict) and "csrf_token" not in data:
                kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
            elif data is None:
                headers = dict(kwargs.get("headers") or {})
                headers.setdefault("X-CSRFToken", self.csrf_token())
                kwargs["headers"] = headers
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def client(app) -> AgoraClient:
    app.test_client_class = AgoraClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_hash_cache: dict[tuple, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """Hash each test password once per run (argon2 is slow by design)."""
    from app.accounts.services import hash_password

    key = (password,)
    if key not in _hash_cache:
        _hash_cache[key] = hash_password(password)
    return _hash_cache[key]


_counter = {"n": 0}


def make_user(role: Role = Role.RESIDENT, *, email: str | None = None, name: str | None = None,
              confirmed: bool = True, password: str = PASSWORD, locale: str | None = None,
              **overrides) -> User:
    """Create a user in the database with sensible defaults."""
    _counter["n"] += 1
    number = _counter["n"]
    now = utcnow()
    user = User(
        email=email or f"person{number}@example.org",
        display_name=name or f"Person {number}",
        password_hash=password_hash(password),
        role=role,
        locale=locale,
        email_confirmed_at=now if confirmed else None,
        privacy_consent_at=now,
        **overrides,
    )
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def users(app):
    """The user factory, bound to the test's app."""
    return make_user


class AuthActions:
    def __init__(self, client: AgoraClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs):
        return self.client.post("/account/login", data={"email": email, "password": password},
                                **kwargs)

    def login_as(self, role: Role = Role.RESIDENT, **overrides) -> User:
        user = make_user(role, **overrides)
        response = self.login(user.email)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return user

    def logout(self):
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


class Outbox:
    """The mail written to the test's file outbox, oldest first."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def messages(self) -> list[Message]:
        if not self.directory.exists():
            return []
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(self.directory.glob("*.eml"))]

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message: Message) -> str:
        return message.get_body().get_content()

    def last_link(self, address: str) -> str:
        """The last URL mailed to this address, as a path for the test client."""
        messages = self.to(address)
        assert messages, f"no mail to {address}"
        urls = re.findall(r"https?://[^\s]+", self.body(messages[-1]))
        assert urls, "no link in the message"
        return re.sub(r"^https?://[^/]+", "", urls[0])


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(Path(app.config["MAIL_OUTBOX_DIR"]))


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = {"count": 0}

        def before(*_args, **_kwargs):
            counter["count"] += 1

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def in_english(request, app):
    """Read pages and labels in English: the test's client chooses English (a login keeps the
    choice) and the test's own code runs with the English locale."""
    from flask_babel import force_locale

    if "client" in request.fixturenames:
        client = request.getfixturevalue("client")
        response = client.post("/language", data={"locale": "en"})
        assert response.status_code == 303
        client.get(response.location)  # as a browser does: shows (and so clears) the message
    with force_locale("en"):
        yield
