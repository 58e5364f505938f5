"""Response headers, error pages, production configuration, safe redirects."""

from __future__ import annotations

import pytest
from flask import abort

from app import create_app
from app.security import is_safe_redirect
from config import DEFAULT_SECRET_KEY, ProductionConfig, TestConfig


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]
    assert "Strict-Transport-Security" not in response.headers


def test_pages_have_no_inline_scripts_or_styles(client):
    body = client.get("/").get_data(as_text=True)
    assert "<script>" not in body and "<style" not in body and " style=" not in body
    assert " hx-on" not in body and "onclick" not in body


def test_source_code_link_for_agpl(app, client):
    assert "Source code" not in client.get("/").get_data(as_text=True)
    app.config["SOURCE_CODE_URL"] = "https://code.example.org/agora"
    client.post("/language", data={"locale": "en"})
    assert 'href="https://code.example.org/agora"' in client.get("/").get_data(as_text=True)


def test_htmx_is_configured_safely(client):
    body = client.get("/").get_data(as_text=True)
    assert '"allowEval": false' in body
    assert '"selfRequestsOnly": true' in body


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PESEL_HMAC_KEY", "p" * 40)


def test_production_refuses_default_secret(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_missing_secret(production_env, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_short_secret(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="32 characters"):
        create_app(ProductionConfig)


def test_production_starts_with_real_secret_and_sends_hsts(production_env):
    app = create_app(ProductionConfig, SECRET_KEY="y" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        from app.extensions import db

        db.create_all()
        response = app.test_client().get("/privacy", base_url="https://localhost")
        db.session.remove()
        db.engine.dispose()
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_unset_agora_env_means_production(monkeypatch):
    from config import config_from_env

    monkeypatch.delenv("AGORA_ENV", raising=False)
    assert config_from_env() is ProductionConfig
    monkeypatch.setenv("AGORA_ENV", "nonsense")
    with pytest.raises(RuntimeError):
        config_from_env()


@pytest.mark.parametrize("target,safe", [
    ("/", True), ("/account/?x=1", True), ("//evil.example", False),
    ("https://evil.example", False), ("/\\evil", False), ("/\tevil", False),
    ("", False), (None, False), ("evil", False), ("javascript:alert(1)", False),
])
def test_is_safe_redirect(target, safe):
    assert is_safe_redirect(target) is safe


@pytest.fixture
def app_with_error_routes(database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     MAIL_OUTBOX_DIR=str(tmp_path), PROPAGATE_TEST_ERRORS=False,
                     PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=1000)

    @app.route("/_test/<int:code>")
    def fail(code: int):
        abort(code)

    @app.route("/_test/crash")
    def crash():
        raise ZeroDivisionError

    yield app
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("code,english", [
    (400, "Bad request"), (403, "Access denied"), (404, "Page not found"),
    (405, "Method not allowed"), (413, "Too much data"), (429, "Too many attempts"),
    (500, "Something went wrong"),
])
def test_error_pages_in_both_languages(app_with_error_routes, code, english):
    client = app_with_error_routes.test_client()
    polish = client.get(f"/_test/{code}")
    assert polish.status_code == code
    body = polish.get_data(as_text=True)
    assert '<html lang="pl">' in body and english not in body
    assert 'id="main"' in body  # full layout, with navigation
    client.get("/")
    with client.session_transaction() as session:
        session["locale"] = "en"
    english_page = client.get(f"/_test/{code}")
    assert english in english_page.get_data(as_text=True)


def test_real_errors_render_pages(app_with_error_routes):
    client = app_with_error_routes.test_client()
    assert client.get("/no-such-page").status_code == 404
    assert client.delete("/privacy").status_code == 405
    assert client.post("/language", data={"x": "y" * 5000}).status_code == 413
    crashed = client.get("/_test/crash")
    assert crashed.status_code == 500
    assert "Traceback" not in crashed.get_data(as_text=True)


def test_htmx_error_is_a_fragment(app_with_error_routes):
    response = app_with_error_routes.test_client().get(
        "/_test/403", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "<html" not in response.get_data(as_text=True)
