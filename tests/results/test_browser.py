"""The results journey in a real browser: a resident votes and keeps the receipt, staff close
the vote, one staff member proposes the result and another approves it, and the resident finds
the receipt in the published list. axe-core finds nothing on the publication, results and
receipts pages; the results page shows its charts without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.consultations.models import Consultation
from app.extensions import db
from app.results import services
from app.votes import services as votes
from tests.browser_fixtures import assert_accessible, switch_user
from tests.conftest import PASSWORD
from tests.results.helpers import closed_vote, publish
from tests.votes.helpers import make_vote, verified_voter

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    switch_user(page, email, PASSWORD)


def test_vote_close_publish_with_two_staff_and_find_the_receipt(page: Page, app):
    from app.extensions import limiter

    limiter.reset()  # three logins from one address: counters of earlier tests must not count
    vote = make_vote()
    for picks in ([vote.city[1]], [vote.city[1], vote.city[2]]):
        votes.cast_ballot(db.session.get(Consultation, vote.id), verified_voter(vote.south),
                          votes.Choices([p.id for p in picks]))
    resident = verified_voter(vote.north, locale="en")
    first = verified_voter(role=Role.STAFF, locale="en")
    second = verified_voter(role=Role.STAFF, locale="en")

    _log_in(page, resident.email)
    page.goto(f"/consultations/{vote.id}/vote")
    page.get_by_label(re.compile(re.escape(vote.city[0].title))).check()
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("button", name="Cast my vote").click()
    code = page.locator("#receipt-code").inner_text()

    _log_in(page, first.email)
    page.goto(f"/consultations/{vote.id}/voting/close")
    page.get_by_role("button", name="Close voting now").click()
    page.get_by_role("link", name="Publish the result").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the result")
    assert_accessible(page)
    page.get_by_role("button", name="Propose for publication").click()
    expect(page.locator("main")).to_contain_text("another staff member must approve it")
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
    assert services.current(vote.id) is None

    _log_in(page, second.email)
    page.goto(f"/consultations/{vote.id}/results/publish")
    assert_accessible(page)
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert_accessible(page)

    _log_in(page, resident.email)
    page.goto(f"/consultations/{vote.id}")
    page.get_by_role("link", name="See the results").first.click()
    page.get_by_role("link", name="Is my vote counted? Look up your receipt").click()
    expect(page.locator("main")).to_contain_text(votes.receipt_hash(code))
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("main p.notice")).to_contain_text("Your ballot is in the count.")
    assert_accessible(page)


def test_the_results_page_without_javascript(page_without_js: Page, app):
    closed = closed_vote()
    publish(closed)
    page = page_without_js
    page.goto(f"/consultations/{closed.vote.id}/results")
    expect(page.locator("svg.chart")).to_have_count(3)
    # An anonymous visitor reads Polish, the site's default language.
    expect(page.locator("svg.chart title").first).to_have_text("Frekwencja")
    expect(page.locator("main")).to_contain_text("Jak zdecydowała metoda równych udziałów")
    page.goto(f"/consultations/{closed.vote.id}/results/receipts?code={closed.receipts[0]}")
    expect(page.locator("main")).to_contain_text("Twoja karta została policzona.")
