"""The voting journey in a real browser: a resident verifies with their PESEL, fills a
participatory-budget ballot (the running total follows through htmx), reviews it, casts it
and gets the receipt; axe-core finds nothing on the verify, ballot, review and receipt pages.
And the same ballot without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.votes import services
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD, make_user
from tests.votes.helpers import ballots_of, make_census, make_pesel, make_vote, verified_voter

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(\?.*)?$"))


def test_a_resident_verifies_fills_reviews_and_casts_a_budget_ballot(page: Page, app, tmp_path):
    vote = make_vote()
    voter = make_user(locale="en")
    pesel = make_pesel(1980)
    make_census(None, vote.north, 1980, pesel=pesel)  # on the census, no account yet
    city, north = vote.city, vote.in_north
    _log_in(page, voter.email)
    page.goto("/account/verify")
    page.get_by_label("Your PESEL number").fill(pesel)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verification")).to_contain_text("Your account is verified")
    assert_accessible(page)
    page.goto(f"/consultations/{vote.id}/vote")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your ballot")
    assert_accessible(page)

    page.evaluate("() => { window.notReloaded = true; }")
    total = page.locator("#running-total")
    page.get_by_label(re.compile(re.escape(city[0].title))).check()
    expect(total).to_contain_text("PLN400,000.00 of PLN600,000.00 chosen")
    page.get_by_label(re.compile(re.escape(city[1].title))).check()
    expect(total).to_contain_text("over the budget by")
    assert_accessible(page)
    page.get_by_label(re.compile(re.escape(city[1].title))).uncheck()
    page.get_by_label(re.compile(re.escape(north[1].title))).check()
    expect(total).not_to_contain_text("over the budget")
    expect(total).to_contain_text("2 proposals chosen")
    assert page.evaluate("() => window.notReloaded") is True, "the page was reloaded"

    page.get_by_role("button", name="Review my vote").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your vote")
    expect(page.locator("main")).to_contain_text(city[0].title)
    expect(page.locator("main")).to_contain_text(north[1].title)
    assert_accessible(page)
    assert ballots_of(vote) == []

    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your vote is cast")
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", code)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt").click()
    saved = tmp_path / "receipt.txt"
    download.value.save_as(saved)
    assert code in saved.read_text(encoding="utf-8")

    [ballot] = ballots_of(vote)
    assert ballot.receipt_hash == services.receipt_hash(code)
    assert ballot.choices == {"proposals": sorted([city[0].id, north[1].id])}


def test_the_ballot_without_javascript(page_without_js: Page, app):
    """(axe-core needs JavaScript; the pages are the same ones checked above.)"""
    page = page_without_js
    vote = make_vote(method=services.VotingMethod.BUDGET)
    voter = verified_voter(vote.north, locale="en")
    _log_in(page, voter.email)
    page.goto(f"/consultations/{vote.id}/vote")
    page.get_by_label(re.compile(re.escape(vote.city[2].title))).check()
    page.get_by_label(re.compile(re.escape(vote.in_north[0].title))).check()
    page.get_by_role("button", name="Update the total").click()
    expect(page.locator("#running-total")).to_contain_text("PLN200,000.00 of PLN600,000.00")
    expect(page.get_by_label(re.compile(re.escape(vote.city[2].title)))).to_be_checked()
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("button", name="Change my choices").click()
    expect(page.get_by_label(re.compile(re.escape(vote.in_north[0].title)))).to_be_checked()
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your vote is cast")
    assert len(ballots_of(vote)) == 1
