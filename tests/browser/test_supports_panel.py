"""The supports panel in a real browser: accessible, htmx-enhanced, and working without JS.

(Here rather than in tests/supports/ so that it shares the browser fixtures of this folder.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.supports.models import PledgeRole
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.supports.helpers import fresh, open_proposal, organisation, pledge, support_rows

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(\?.*)?$"))


def test_panel_is_accessible_and_htmx_toggles_in_place(page: Page, users) -> None:
    proposal = open_proposal(threshold=1)
    member = users(Role.RESIDENT, locale="en")
    representative = users()
    for _ in range(3):
        pledge(proposal, users())
    pledge(proposal, representative, organisation=organisation("Spółdzielnia Razem",
                                                                representative=representative))
    organisation("Fundacja Członka", representative=member)
    pledge(proposal, member, PledgeRole.VOLUNTEER)

    page.goto(f"/proposals/{proposal.id}")
    assert_accessible(page)
    _log_in(page, member.email)
    page.goto(f"/proposals/{proposal.id}")
    expect(page.locator("#support-panel")).to_contain_text("3 of 10 natural persons")
    assert_accessible(page)

    page.evaluate("() => { window.notReloaded = true; }")
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.locator(f"#support-count-{proposal.id}")).to_contain_text("1 support")
    expect(page.get_by_role("button", name="Withdraw my support")).to_be_focused()
    assert page.evaluate("() => window.notReloaded") is True, "the page was reloaded"
    expect(page.locator("#support-panel")).to_contain_text("Qualified")
    assert_accessible(page)
    assert support_rows(proposal) == 1

    page.locator("#pledge-role").select_option("member")
    page.locator(f"#pledge-button-{proposal.id}").click()
    expect(page.locator("#support-panel")).to_contain_text("4 of 10 natural persons")
    assert page.evaluate("() => window.notReloaded") is True
    assert_accessible(page)

    page.get_by_role("button", name="Withdraw my support").click()
    expect(page.locator(f"#support-count-{proposal.id}")).to_contain_text("0 supports")
    assert fresh(proposal).support_count == 0


def test_support_and_pledge_without_javascript(page_without_js: Page, users) -> None:
    page = page_without_js
    proposal = open_proposal()
    member = users(Role.RESIDENT, locale="en")
    _log_in(page, member.email)
    page.goto(f"/proposals/{proposal.id}")
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.locator("#flashes")).to_contain_text("your support is counted")
    expect(page.locator(f"#support-count-{proposal.id}")).to_contain_text("1 support")

    page.locator(f"#pledge-button-{proposal.id}").click()
    expect(page.locator("#support-panel")).to_contain_text("1 of 10 natural persons")
    page.get_by_role("button", name="Withdraw my own pledge").click()
    expect(page.locator("#flashes")).to_contain_text("Your pledge is withdrawn.")
    expect(page.locator("#support-panel")).to_contain_text("0 of 10 natural persons")
