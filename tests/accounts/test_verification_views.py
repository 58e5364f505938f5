"""A resident's PESEL check, verification in person, the profile, data download, deletion,
rate limits and the production key."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from app import create_app
from app.accounts.census import pesel_hash
from app.accounts.models import CensusEntry, Role, VerificationMethod
from app.extensions import db
from app.moderation.models import AuditEntry
from config import DEFAULT_PESEL_HMAC_KEY, ProductionConfig
from tests.accounts.verification_helpers import (
    BAD_CHECKSUM,
    PESEL_A,
    PESEL_B,
    PESEL_OFF_CENSUS,
    everything_stored,
    on_census,
)
from tests.conftest import PASSWORD

HTMX = {"HX-Request": "true"}


def _verify(client, pesel: str, **kwargs):
    return client.post("/account/verify", data={"pesel": pesel}, **kwargs)


def _entry(pesel: str) -> CensusEntry:
    return db.session.scalar(select(CensusEntry).where(CensusEntry.pesel_hash == pesel_hash(pesel)))


# -- a resident enters their PESEL --------------------------------------------------------


def test_a_resident_on_the_census_is_verified(client, auth, in_english, caplog):
    caplog.set_level(logging.DEBUG)
    on_census(PESEL_A)
    resident = auth.login_as()
    response = _verify(client, f" {PESEL_A[:4]} {PESEL_A[4:]} ")
    assert response.status_code == 303
    assert response.location.endswith("/account/")
    page = client.get(response.location).get_data(as_text=True)
    assert "Your account is verified" in page
    assert "Verified resident" in page and "Stare Miasto" in page and "1980" in page
    entry = _entry(PESEL_A)
    assert entry.user_id == resident.id
    assert entry.method is VerificationMethod.PESEL
    assert entry.verified_by_id is None and entry.verified_at is not None
    assert PESEL_A not in everything_stored() and PESEL_A not in caplog.text
    # Self-verification is not a staff action: no audit entry.
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_htmx_verification_swaps_the_panel(client, auth, in_english):
    on_census(PESEL_A)
    auth.login_as()
    response = _verify(client, PESEL_A, headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="verification"')
    assert "Your account is verified" in body and "Stare Miasto" in body
    assert "<html" not in body


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("pesel,message", [
    (BAD_CHECKSUM, "This is not a valid PESEL number"),
    (PESEL_A[:10], "A PESEL has 11 digits."),
    ("", "Enter the PESEL number."),
    (PESEL_OFF_CENSUS, "This PESEL is not on the city's census list."),
])
def test_refusals_in_english(client, auth, in_english, pesel, message, htmx):
    on_census(PESEL_A)
    resident = auth.login_as()
    response = _verify(client, pesel, headers=HTMX if htmx else {})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body
    assert ("<html" in body) is not htmx
    if pesel:
        assert pesel not in body  # the number typed is never sent back
    db.session.refresh(resident)
    assert not resident.is_verified


@pytest.mark.parametrize("pesel,message", [
    (BAD_CHECKSUM, "To nie jest prawidłowy numer PESEL"),
    (PESEL_A[:10], "PESEL ma 11 cyfr."),
    (PESEL_OFF_CENSUS, "Tego numeru PESEL nie ma w spisie mieszkańców miasta."),
])
def test_refusals_in_polish(client, auth, pesel, message):
    on_census(PESEL_A)
    auth.login_as()
    body = _verify(client, pesel).get_data(as_text=True)
    assert message in body
    assert pesel not in body


def test_a_pesel_verifies_one_account_only_without_saying_which(client, auth, users,
                                                                   in_english):
    first = users(name="Pierwsza Osoba", email="first@example.org")
    on_census(PESEL_A, user=first)
    second = auth.login_as()
    for headers in ({}, HTMX):
        body = _verify(client, PESEL_A, headers=headers).get_data(as_text=True)
        assert "already verifies another account" in body
        assert "Pierwsza" not in body and "first@example.org" not in body
    assert _entry(PESEL_A).user_id == first.id
    db.session.refresh(second)
    assert not second.is_verified


def test_taken_in_polish(client, auth, users):
    on_census(PESEL_A, user=users())
    auth.login_as()
    body = _verify(client, PESEL_A).get_data(as_text=True)
    assert "Ten numer PESEL potwierdza już inne konto." in body


@pytest.mark.parametrize("htmx", [False, True])
def test_an_account_already_verified(client, auth, in_english, htmx):
    on_census(PESEL_B)
    resident = auth.login_as()
    on_census(PESEL_A, user=resident)
    page = client.get("/account/verify").get_data(as_text=True)
    assert "Verified resident" in page and 'name="pesel"' not in page
    body = _verify(client, PESEL_B, headers=HTMX if htmx else {}).get_data(as_text=True)
    assert "This account is already verified." in body
    assert _entry(PESEL_B).user_id is None


def test_unconfirmed_accounts_confirm_their_address_first(client, auth):
    on_census(PESEL_A)
    auth.login_as(confirmed=False)
    response = _verify(client, PESEL_A)
    assert response.status_code == 302
    assert _entry(PESEL_A).user_id is None


# -- rate limits --------------------------------------------------------------------------


def test_attempts_per_account_are_limited_whatever_their_outcome(app, client, auth,
                                                                 in_english):
    """Every attempt counts, so the census cannot be probed faster than the limit."""
    app.config["VERIFY_LIMIT_PER_ACCOUNT"] = "3 per hour"
    on_census(PESEL_A)
    auth.login_as()
    statuses = [_verify(client, pesel).status_code
                for pesel in (PESEL_OFF_CENSUS, PESEL_B, BAD_CHECKSUM)]
    assert statuses == [200, 200, 200]
    response = _verify(client, PESEL_A)  # even the right number, once over the limit
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    body = response.get_data(as_text=True)
    assert "You have tried too many times" in body and "1 hour" in body
    assert PESEL_A not in body
    assert _entry(PESEL_A).user_id is None
    htmx = _verify(client, PESEL_A, headers=HTMX)
    assert htmx.status_code == 429
    assert htmx.get_data(as_text=True).lstrip().startswith('<div id="verification"')
    assert client.get("/account/verify").status_code == 200  # reading is not limited


def test_the_limit_page_in_polish(app, client, auth):
    app.config["VERIFY_LIMIT_PER_ACCOUNT"] = "1 per hour"
    auth.login_as()
    _verify(client, PESEL_OFF_CENSUS)
    body = _verify(client, PESEL_OFF_CENSUS).get_data(as_text=True)
    assert "Zbyt wiele prób" in body


def test_attempts_per_address_are_limited_across_accounts(app, client, auth, in_english):
    app.config["VERIFY_LIMIT_PER_IP"] = "2 per hour"
    on_census(PESEL_A)
    auth.login_as()
    assert _verify(client, PESEL_OFF_CENSUS).status_code == 200
    auth.logout()
    auth.login_as()
    assert _verify(client, PESEL_B).status_code == 200
    assert _verify(client, PESEL_A).status_code == 429


# -- verification in person ---------------------------------------------------------------


def test_staff_verify_a_person_in_person(client, auth, users, in_english, caplog):
    caplog.set_level(logging.DEBUG)
    on_census(PESEL_A)
    person = users(email="visitor@example.org", name="Wanda Odwiedzająca")
    staff = auth.login_as(Role.STAFF)
    page = client.get("/census/in-person", query_string={"email": " Visitor@example.org "})
    body = page.get_data(as_text=True)
    assert "Wanda Odwiedzająca" in body and "not verified" in body
    assert f"/census/in-person/{person.id}" in body
    refused = client.post(f"/census/in-person/{person.id}", data={"pesel": PESEL_A})
    assert "Tick the box" in refused.get_data(as_text=True)
    assert PESEL_A not in refused.get_data(as_text=True)
    response = client.post(f"/census/in-person/{person.id}",
                           data={"pesel": PESEL_A, "document_checked": "y"})
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Wanda Odwiedzająca is verified." in page and "in person" in page
    entry = _entry(PESEL_A)
    assert (entry.user_id, entry.verified_by_id) == (person.id, staff.id)
    assert entry.method is VerificationMethod.IN_PERSON
    audit = db.session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.target_type, audit.target_id) == (
        "census.verify_in_person", "census_entry", entry.id)
    assert audit.actor_id == staff.id and audit.details == {}
    assert PESEL_A not in everything_stored() and PESEL_A not in caplog.text
    # the public log names the entry, not the person
    log = client.get("/moderation/log").get_data(as_text=True)
    assert "Verified a resident in person" in log and "Wanda" not in log


def test_in_person_refusals(client, auth, users, in_english):
    on_census(PESEL_A, user=users())
    on_census(PESEL_B)
    person = users()
    staff = auth.login_as(Role.STAFF)

    def attempt(user, pesel):
        return client.post(f"/census/in-person/{user.id}",
                           data={"pesel": pesel, "document_checked": "y"}).get_data(as_text=True)

    assert "already verifies another account" in attempt(person, PESEL_A)
    assert "not on the city's census list" in attempt(person, PESEL_OFF_CENSUS)
    assert "not a valid PESEL" in attempt(person, BAD_CHECKSUM)
    assert "cannot verify your own account" in attempt(staff, PESEL_B)
    assert _entry(PESEL_B).user_id is None
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_finding_nobody(client, auth, in_english):
    auth.login_as(Role.STAFF)
    body = client.get("/census/in-person?email=nobody@example.org").get_data(as_text=True)
    assert "No account has this email address." in body
    body = client.get("/census/in-person?email=").get_data(as_text=True)
    assert "Enter the email address of the account." in body


def test_deleted_accounts_cannot_be_verified(client, auth, users):
    from app.db_types import utcnow

    gone = users(deleted_at=utcnow())
    auth.login_as(Role.STAFF)
    assert client.get(f"/census/in-person/{gone.id}").status_code == 404


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MODERATOR])
def test_census_pages_are_for_staff(client, auth, users, role):
    person = users()
    resident = auth.login_as(role)
    on_census(PESEL_A, user=resident)  # a verified resident is no more than a resident
    assert client.get("/census").status_code == 403
    assert client.get("/census/in-person").status_code == 403
    assert client.post(f"/census/in-person/{person.id}",
                       data={"pesel": PESEL_B, "document_checked": "y"}).status_code == 403
    assert client.get("/account/verify").status_code == 200


def test_census_page_shows_the_counts(client, auth, users, in_english):
    on_census(PESEL_A, user=users())
    on_census(PESEL_B, "Nadrzecze")
    auth.login_as(Role.STAFF)
    body = client.get("/census").get_data(as_text=True)
    assert "Entries by district" in body and "Nadrzecze" in body
    auth.logout()


def test_empty_census_page(client, auth, in_english):
    auth.login_as(Role.ADMIN)
    assert "The census list is empty" in client.get("/census").get_data(as_text=True)


# -- profile, data download, deletion -----------------------------------------------------


def test_profile_shows_the_status(client, auth, in_english):
    resident = auth.login_as()
    body = client.get("/account/").get_data(as_text=True)
    assert "Not verified yet." in body and "/account/verify" in body
    on_census(PESEL_A, user=resident)
    body = client.get("/account/").get_data(as_text=True)
    assert "Verified resident" in body and "Stare Miasto" in body and "1980" in body


def test_data_download_has_the_verification_but_never_the_hash(client, auth):
    resident = auth.login_as()
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["residence_verification"] == {"verified": False}
    entry = on_census(PESEL_A, user=resident)
    text = client.get("/account/data.json").get_data(as_text=True)
    verification = json.loads(text)["residence_verification"]
    assert verification["verified"] is True
    assert verification["district"] == "Stare Miasto"
    assert verification["birth_year"] == 1980
    assert verification["method"] == "pesel"
    assert verification["verified_at"].startswith(entry.verified_at.date().isoformat())
    assert entry.pesel_hash not in text and PESEL_A not in text


def test_deleting_an_account_frees_its_entry_which_stays_on_the_census(client, auth, users):
    resident = auth.login_as()
    entry = on_census(PESEL_A, user=resident)
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.user_id is None and entry.verified_at is None and entry.method is None
    assert entry.birth_year == 1980  # the city's list keeps the person
    auth.login_as()
    assert _verify(client, PESEL_A).status_code == 303  # a new account of the same person
    assert _entry(PESEL_A).user_id is not None


# -- production configuration -------------------------------------------------------------


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PESEL_HMAC_KEY", "k" * 40)


@pytest.mark.parametrize("key", [None, DEFAULT_PESEL_HMAC_KEY, "short-key"])
def test_production_refuses_a_missing_default_or_short_pesel_key(production_env, monkeypatch,
                                                                  key):
    if key is None:
        monkeypatch.delenv("PESEL_HMAC_KEY")
    else:
        monkeypatch.setenv("PESEL_HMAC_KEY", key)
    with pytest.raises(RuntimeError, match="PESEL_HMAC_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_pesel_key(production_env):
    ProductionConfig.check()
