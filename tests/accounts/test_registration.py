"""Registration and email confirmation."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Role, User
from app.extensions import db

GOOD = {
    "email": "Nowa.Osoba@Example.org ",
    "display_name": "Nowa Osoba",
    "password": "dwanascieznakow",
    "password_confirm": "dwanascieznakow",
    "consent": "y",
}


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_register_creates_unconfirmed_resident_and_mails_link(client, outbox):
    response = client.post("/account/register", data=GOOD)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account/check-email")
    user = _user("nowa.osoba@example.org")
    assert user is not None
    assert user.role is Role.RESIDENT
    assert not user.is_confirmed
    assert user.privacy_consent_at is not None
    assert user.password_hash.startswith("$argon2id$")
    assert "dwanascieznakow" not in user.password_hash
    [message] = outbox.to("nowa.osoba@example.org")
    assert "/account/confirm/" in outbox.body(message)


def test_confirmation_link_shows_button_and_post_confirms(client, outbox):
    client.post("/account/register", data=GOOD)
    link = outbox.last_link("nowa.osoba@example.org")
    page = client.get(link)
    assert page.status_code == 200
    assert not _user("nowa.osoba@example.org").is_confirmed  # GET changes nothing
    response = client.post(link)
    assert response.status_code == 303
    assert _user("nowa.osoba@example.org").is_confirmed


def test_tampered_confirmation_link_is_refused(client, outbox):
    client.post("/account/register", data=GOOD)
    link = outbox.last_link("nowa.osoba@example.org")
    response = client.post(link[:-3] + "abc", follow_redirects=True)
    assert "invalid or has expired" in response.get_data(as_text=True) or \
        "nieprawidłowy" in response.get_data(as_text=True)
    assert not _user("nowa.osoba@example.org").is_confirmed


def test_expired_confirmation_link_is_refused(app, client, outbox):
    client.post("/account/register", data=GOOD)
    link = outbox.last_link("nowa.osoba@example.org")
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    client.post(link)
    assert not _user("nowa.osoba@example.org").is_confirmed


def _without_tokens(page: str) -> str:
    return re.sub(r'(X-CSRFToken": "|name="csrf_token" value=")[^"]+', r"\1", page)


def test_registering_a_known_email_answers_the_same_and_warns_the_owner(client, users, outbox):
    owner = users(email="known@example.org")
    first = client.post("/account/register", data={**GOOD, "email": "known@example.org"})
    second = client.post("/account/register", data={**GOOD, "email": "unknown@example.org"})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    # The same page, but for the CSRF token, which carries the second it was signed in.
    assert _without_tokens(client.get(first.headers["Location"]).get_data(as_text=True)) == \
        _without_tokens(client.get(second.headers["Location"]).get_data(as_text=True))
    [warning] = outbox.to("known@example.org")
    assert "/account/login" in outbox.body(warning)
    assert db.session.get(User, owner.id).display_name == owner.display_name


def test_short_password_is_refused_with_a_message(client):
    response = client.post("/account/register",
                           data={**GOOD, "password": "short", "password_confirm": "short"})
    assert response.status_code == 200
    assert "aria-invalid" in response.get_data(as_text=True)
    assert _user("nowa.osoba@example.org") is None


def test_mismatched_passwords_missing_consent_and_bad_email_keep_input(client):
    response = client.post("/account/register", data={
        **GOOD, "email": "not-an-email", "password_confirm": "somethingelse!", "consent": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count('class="field-error"') == 3
    assert 'value="Nowa Osoba"' in body  # nothing typed is lost
    assert db.session.scalar(select(User)) is None


def test_display_name_with_control_characters_is_refused(client):
    response = client.post("/account/register", data={**GOOD, "display_name": "Evil\x00Name"})
    assert response.status_code == 200
    assert _user("nowa.osoba@example.org") is None


def test_errors_are_in_polish_by_default_and_english_when_chosen(client):
    body = client.post("/account/register", data={**GOOD, "consent": ""}).get_data(as_text=True)
    assert "You need to accept" not in body
    client.post("/language", data={"locale": "en"})
    body = client.post("/account/register", data={**GOOD, "consent": ""}).get_data(as_text=True)
    assert "You need to accept the privacy notice to register." in body


def test_signed_in_user_is_sent_home_from_register(client, auth):
    auth.login_as()
    assert client.get("/account/register").status_code == 302


def test_resend_confirmation(client, auth, outbox):
    user = auth.login_as(confirmed=False)
    response = client.post("/account/confirm/resend")
    assert response.status_code == 303
    assert len(outbox.to(user.email)) == 1
    client.post(outbox.last_link(user.email))
    assert db.session.get(User, user.id).is_confirmed


def test_unconfirmed_user_is_sent_to_confirm_before_acting(client, auth):
    auth.login_as(confirmed=False)
    response = client.get("/organisations/represent")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/")
