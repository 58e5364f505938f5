"""Languages: Polish by default, English on request, complete catalogues, local formats."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _forms(value) -> tuple[str, ...]:
    """A message's forms: one for a plain message, several for a plural one."""
    return value if isinstance(value, tuple) else (value,)


def _catalog(locale: str):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[str]:
    """Every user-facing string in the code and templates, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location",
         "--ignore-dirs", ".*", "."],
        check=True, cwd=ROOT)
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_catalogue_is_complete_and_current(locale, source_messages):
    catalog = _catalog(locale)
    ids = {m.id for m in catalog if m.id}
    assert source_messages - ids == set(), "run `make extract-messages` and translate"
    untranslated = [m.id for m in catalog if m.id and not all(_forms(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated and not fuzzy


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_translations_keep_placeholders(locale):
    for message in _catalog(locale):
        if message.id:
            expected = set(PLACEHOLDER.findall(_forms(message.id)[-1]))
            for form in _forms(message.string):
                assert expected == set(PLACEHOLDER.findall(form)), message.id


def test_home_is_polish_without_any_choice(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    body = response.get_data(as_text=True)
    assert '<html lang="pl">' in body
    assert "Zaloguj się" in body


def test_switching_language_for_a_visitor(client):
    response = client.post("/language", data={"locale": "en", "next": "/organisations/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/organisations/"
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in body and "Log in" in body
    client.post("/language", data={"locale": "pl"})
    assert '<html lang="pl">' in client.get("/").get_data(as_text=True)


def test_switching_language_refuses_unknown_and_unsafe_next(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="pl">' in client.get("/").get_data(as_text=True)


def test_signed_in_language_is_saved_on_the_account(app, client, auth):
    from app.accounts.models import User
    from app.extensions import db

    user = auth.login_as()
    client.post("/language", data={"locale": "en"})
    assert db.session.get(User, user.id).locale == "en"
    auth.logout()
    client.post("/language", data={"locale": "pl"})
    auth.login(user.email)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_dates_and_numbers_follow_the_locale(app):
    moment = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    with app.test_request_context():
        date_filter = app.jinja_env.filters["date"]
        number = app.jinja_env.filters["number"]
        with force_locale("pl"):
            assert date_filter(moment, "long") == "5 marca 2026"
            assert number(1234567) == "1\xa0234\xa0567"
        with force_locale("en"):
            assert date_filter(moment, "long") == "March 5, 2026"
            assert number(1234567) == "1,234,567"


def test_mail_goes_out_in_the_recipients_language(client, users, outbox):
    polish = users(locale="pl")
    english = users(locale="en")
    client.post("/account/reset", data={"email": polish.email})
    client.post("/account/reset", data={"email": english.email})
    assert outbox.to(english.email)[0]["Subject"] == "Choose a new password"
    assert outbox.to(polish.email)[0]["Subject"] != "Choose a new password"
