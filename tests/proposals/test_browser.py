"""Proposals in a real browser: axe-core on every page, htmx filters, and without JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.proposals.models import Proposal, ProposalStatus, Sector
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.factories import make_proposal

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))


def _english(page: Page) -> None:
    page.locator("header").get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_listing_filters_with_htmx(page: Page, users, consultation, goals) -> None:
    author = users()
    make_proposal(consultation, author, title="Zieleń na dachach", sector=Sector.RETROFIT)
    make_proposal(consultation, author, title="Naprawa rowerów", sector=Sector.REPAIR)
    page.goto("/proposals")
    _english(page)
    assert_accessible(page)
    page.evaluate("() => { window.notReloaded = true; }")
    page.locator("#filter-q").fill("zielen")
    expect(page.locator("#proposal-results")).not_to_contain_text("Naprawa rowerów")
    expect(page.locator("#proposal-results")).to_contain_text("Zieleń na dachach")
    assert "q=zielen" in page.url
    page.locator("#filter-q").fill("")
    page.locator("#filter-sector").select_option("repair")
    expect(page.locator("#proposal-results")).not_to_contain_text("Zieleń na dachach")
    expect(page.locator("#proposal-results")).to_contain_text("Naprawa rowerów")
    page.locator("#filter-sort").select_option("random")
    expect(page.locator("#proposal-results")).to_contain_text("random order")
    assert page.evaluate("() => window.notReloaded === true")
    assert_accessible(page)


def test_listing_without_javascript(page_without_js: Page, users, consultation) -> None:
    page = page_without_js
    make_proposal(consultation, users(), title="Zieleń na dachach")
    make_proposal(consultation, users(), title="Naprawa rowerów")
    page.goto("/proposals")
    page.locator("#filter-q").fill("ZIELEŃ")
    page.locator("#proposal-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=ZIELE"))
    expect(page.locator("#proposal-results")).to_contain_text("Zieleń na dachach")
    expect(page.locator("#proposal-results")).not_to_contain_text("Naprawa rowerów")


def test_write_edit_and_withdraw(page: Page, users, consultation, goals, district) -> None:
    me = users(name="Ewa Zielińska")
    _log_in(page, me.email)
    _english(page)
    page.goto(f"/proposals/new?consultation={consultation.id}")
    assert_accessible(page)
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)

    page.locator("#title").fill("Zieleń na dachach")
    page.locator("#body").fill("Spółdzielnia zakłada **zielone dachy** na blokach.")
    page.locator("#sector").select_option("retrofit")
    page.locator("#district").select_option(str(district.id))
    page.locator("#estimated_cost").fill("250 000,50")
    page.locator("#expected_jobs").fill("6")
    page.locator(f"#goal-{goals[1].id}").check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    expect(page.locator("h1")).to_have_text("Zieleń na dachach")
    assert_accessible(page)

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".proposal-status .tag")).to_have_text("Submitted")
    assert_accessible(page)

    page.get_by_role("link", name="Edit").click()
    assert_accessible(page)
    page.locator("#title").fill("Zieleń na dachach szkół")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("h1")).to_have_text("Zieleń na dachach szkół")

    page.get_by_role("link", name="Withdraw").click()
    assert_accessible(page)
    page.locator("#reason").fill("Inny wykonawca.")
    page.get_by_role("button", name="Withdraw the proposal").click()
    expect(page.locator(".proposal-status")).to_contain_text("Inny wykonawca.")
    assert_accessible(page)
    proposal = db.session.scalar(select(Proposal))
    assert proposal.status is ProposalStatus.WITHDRAWN

    page.goto("/proposals/mine")
    assert_accessible(page)
    expect(page.locator("main table")).to_contain_text("Zieleń na dachach szkół")
