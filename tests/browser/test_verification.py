"""Verification in a real browser: accessible, htmx in place, and working without JS.

(Here rather than in tests/accounts/ so that it shares the browser fixtures of this folder.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.accounts.verification_helpers import BAD_CHECKSUM, PESEL_A, PESEL_B, on_census
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(\?.*)?$"))


def test_verify_page_is_accessible_and_works_in_place(page: Page, users) -> None:
    on_census(PESEL_A)
    resident = users(locale="en")
    _log_in(page, resident.email)
    page.goto("/account/")
    expect(page.locator("main")).to_contain_text("Not verified yet.")
    assert_accessible(page)
    page.get_by_role("link", name="Verify with your PESEL number").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify that you live in the city")
    assert_accessible(page)

    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_label("Your PESEL number").fill(BAD_CHECKSUM)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verification .error-summary")).to_contain_text("not a valid PESEL")
    expect(page.get_by_label("Your PESEL number")).to_have_value("")
    assert page.evaluate("() => window.notReloaded") is True, "the page was reloaded"
    assert_accessible(page)

    page.get_by_label("Your PESEL number").fill(PESEL_A)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verification")).to_contain_text("Your account is verified")
    expect(page.locator("#verification")).to_contain_text("Stare Miasto")
    assert page.evaluate("() => window.notReloaded") is True
    assert PESEL_A not in page.content()
    assert_accessible(page)


def test_verify_without_javascript(page_without_js: Page, users) -> None:
    page = page_without_js
    on_census(PESEL_B, "Nadrzecze")
    resident = users(locale="en")
    _log_in(page, resident.email)
    page.goto("/account/verify")
    page.get_by_label("Your PESEL number").fill(PESEL_B)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/account/$"))
    expect(page.locator("main")).to_contain_text("Verified resident")
    expect(page.locator("main")).to_contain_text("Nadrzecze")
    # (axe-core needs JavaScript: the same pages are checked in the test above.)


def test_staff_census_pages_are_accessible(page: Page, users, tmp_path) -> None:
    on_census(PESEL_B, "Nadrzecze")
    person = users(locale="en", email="visitor@example.org")
    staff = users(Role.STAFF, locale="en")
    _log_in(page, staff.email)
    page.goto("/census")
    assert_accessible(page)
    bad = tmp_path / "census.csv"
    bad.write_text(f"pesel;district;birth_year\n{BAD_CHECKSUM};Nowhere;1980\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".import-problems")).to_contain_text("check digit")
    assert BAD_CHECKSUM not in page.content()
    assert_accessible(page)

    page.goto("/census/in-person")
    page.get_by_label("Email address of the account").fill(person.email)
    page.get_by_role("button", name="Find the account").click()
    expect(page.locator("main")).to_contain_text("not verified")
    assert_accessible(page)
    page.get_by_role("link", name="Verify this person").click()
    assert_accessible(page)
    page.get_by_label("PESEL from the identity document").fill(PESEL_B)
    page.get_by_label(re.compile("I have seen this person")).check()
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("main")).to_contain_text("in person at the city office")
    assert_accessible(page)
