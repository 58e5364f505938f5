"""The open-data page in a real browser, in both languages, checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import assert_accessible
from tests.factories import make_consultation

pytestmark = pytest.mark.browser


def test_open_data_page_is_accessible_in_both_languages(in_browser) -> None:
    make_consultation("proposals")

    def scenario(page: Page) -> None:
        page.goto("/")
        page.locator("footer a[href='/open-data']").click()
        page.wait_for_load_state("load")
        expect(page.locator("h1")).to_have_text("Otwarte dane")
        expect(page.locator("a[rel=license]")).to_have_text("CC BY 4.0")
        assert_accessible(page)
        page.locator("header button[name=locale][value=en]").click()
        page.wait_for_load_state("load")
        expect(page.locator("h1")).to_have_text("Open data")
        assert_accessible(page)
        expect(page.locator("a[href='/api/v1/exports/proposals.csv']")).to_be_visible()
        page.locator("a[href='/api/v1/proposals']").click()
        page.wait_for_load_state("load")
        assert '"items"' in page.content()

    in_browser(scenario)


def test_open_data_page_works_without_javascript(in_browser) -> None:
    make_consultation("results")

    def scenario(page: Page) -> None:
        page.goto("/open-data")
        page.wait_for_load_state("load")
        page.locator("a[href='/api/v1/openapi.json']").click()
        page.wait_for_load_state("load")
        assert '"openapi"' in page.content() and '"3.1.0"' in page.content()

    in_browser(scenario, javascript=False)
