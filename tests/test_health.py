"""Health checks: alive, ready (database and migrations), and security.txt."""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from app.main.health import migration_heads


def test_alive_answers_without_the_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise AssertionError("the liveness check must not touch the database")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_ready_when_the_schema_is_at_the_newest_migration(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_not_ready_behind_on_migrations_and_says_nothing_more(app, client):
    (current,) = migration_heads()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "not ready"}
        assert "0001" not in response.get_data(as_text=True)
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()


def test_not_ready_when_the_database_does_not_answer(app, client):
    from app.main import health

    def unreachable(*args, **kwargs):
        from sqlalchemy.exc import OperationalError

        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    original = db.session.scalars
    try:
        db.session.scalars = unreachable  # the scoped session of the request thread
        assert health.database_ready() is False
    finally:
        db.session.scalars = original
    response = client.get("/readyz")
    assert response.status_code == 200


def test_health_checks_are_not_rate_limited(client):
    statuses = {client.get("/healthz").status_code for _ in range(120)}
    assert statuses == {200}


def test_security_txt_names_a_contact_and_an_expiry(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert "Contact: mailto:" in body
    assert "Expires: 20" in body
