"""The moderation log in a real browser: axe-core in both languages, the filter without JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.extensions import db
from app.moderation.audit import record
from tests.browser_fixtures import assert_accessible
from tests.factories import make_consultation, make_proposal
from tests.moderation.helpers import write_chain

pytestmark = pytest.mark.browser


def _go(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("load")


def _log(users) -> None:
    """Entries of several kinds, more than one page of them."""
    staff = users(Role.STAFF, name="Stanisław z Urzędu")
    write_chain(21, users(Role.MODERATOR, name="Monika Moderatorka"))
    consultation = make_consultation()
    proposal = make_proposal(consultation, users())
    record(staff, "consultation.create", "consultation", consultation.id,
           details={"title": consultation.title})
    record(staff, "proposal.status", "proposal", proposal.id, reason="Poza zakresem.",
           details={"from": "submitted", "to": "rejected"})
    record(None, "settings.change", "setting", None, details={"key": "demo", "value": True})
    db.session.commit()


def test_the_log_is_accessible_in_both_languages(in_browser, users) -> None:
    _log(users)

    def scenario(page: Page) -> None:
        _go(page, "/")
        page.locator("footer").get_by_role("link", name="Rejestr moderacji").click()
        page.wait_for_url(re.compile(r"/moderation/log$"))
        expect(page.locator("main table tbody tr")).to_have_count(20)
        assert_accessible(page)
        _go(page, "/moderation/log?page=2")
        assert_accessible(page)
        page.locator("header").get_by_role("button", name="English", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Moderation log")
        assert_accessible(page)
        page.locator("#action").select_option("proposal.status")  # htmx swaps the table
        expect(page.locator("main table tbody tr")).to_have_count(1)
        expect(page.locator("main table")).to_contain_text("Poza zakresem.")
        assert "action=proposal.status" in page.url
        assert_accessible(page)
        _go(page, "/moderation/log?action=user.role")
        expect(page.locator(".empty")).to_have_text("No actions of this kind have been recorded.")
        assert_accessible(page)

    in_browser(scenario)


def test_the_filter_works_without_javascript(in_browser, users) -> None:
    _log(users)

    def scenario(page: Page) -> None:
        _go(page, "/moderation/log")
        assert page.evaluate("() => typeof window.htmx") == "undefined", "scripts ran"
        page.locator("#action").select_option("settings.change")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"action=settings\.change"))
        expect(page.locator("main table tbody tr")).to_have_count(1)
        expect(page.locator("main table")).to_contain_text("Agora")

    in_browser(scenario, javascript=False)
