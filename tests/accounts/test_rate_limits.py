"""Rate limits on login, registration and reset; the 429 page."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_sixth_wrong_password_in_a_minute_gets_429(client, auth, users):
    user = users()
    for _ in range(5):
        assert auth.login(user.email, "wrong password!!").status_code == 200
    response = auth.login(user.email, "wrong password!!")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    # even the right password is refused until the window passes
    assert auth.login(user.email, PASSWORD).status_code == 429


def test_unknown_email_is_limited_exactly_like_a_known_one(client, auth):
    statuses = [auth.login("nobody@example.org", "wrong password!!").status_code
                for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_limit_is_per_account_not_global(client, auth, users):
    first, second = users(), users()
    for _ in range(6):
        auth.login(first.email, "wrong password!!")
    assert auth.login(second.email, PASSWORD).status_code == 303


def test_successful_logins_do_not_count(client, auth, users):
    user = users()
    for _ in range(7):
        assert auth.login(user.email).status_code == 303
        auth.logout()


def test_login_limit_per_ip(app, client, auth):
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per minute"
    statuses = [auth.login(f"p{i}@example.org", "wrong password!!").status_code
                for i in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_registration_is_limited_per_ip(app, client):
    app.config["REGISTER_LIMIT_PER_IP"] = "2 per hour"
    statuses = []
    for i in range(3):
        statuses.append(client.post("/account/register", data={
            "email": f"new{i}@example.org", "display_name": "New person",
            "password": "long enough password", "password_confirm": "long enough password",
            "consent": "y"}).status_code)
    assert statuses == [303, 303, 429]


def test_reset_is_limited_per_account(client, users):
    user = users()
    statuses = [client.post("/account/reset", data={"email": user.email}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_429_page_is_translated(client, auth):
    for _ in range(6):
        response = auth.login("nobody@example.org", "wrong password!!")
    assert response.status_code == 429
    assert '<html lang="pl">' in response.get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    response = auth.login("nobody@example.org", "wrong password!!")
    assert "Too many attempts" in response.get_data(as_text=True)
