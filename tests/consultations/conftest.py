"""Fixtures for this feature's tests: English pages, and a browser of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from tests.browser_fixtures import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _open_page,
    _require_chromium,
)


@pytest.fixture(autouse=True)
def english(in_english):
    """These tests read English text (client and labels), as the Polish catalogue is complete."""
    yield


@pytest.fixture
def in_browser(live_server) -> Callable:
    """Run `scenario(page)` on a fresh page of headless Chromium against the live server.

    Playwright runs on a thread of its own: a second synchronous Playwright cannot start on
    the thread where the browser suite's session-wide one may already be running.
    """
    _require_chromium()

    def run(scenario: Callable, *, javascript: bool = True) -> None:
        failures: list[BaseException] = []

        def target() -> None:
            from playwright.sync_api import sync_playwright

            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                         args=CHROMIUM_ARGS)
                    try:
                        context, page = _open_page(browser, live_server,
                                                   java_script_enabled=javascript)
                        scenario(page)
                        page.csp.assert_clean()
                        context.close()
                    finally:
                        browser.close()
            except BaseException as error:  # re-raised on the test's thread
                failures.append(error)

        thread = threading.Thread(target=target, name="consultations-browser")
        thread.start()
        thread.join()
        if failures:
            raise failures[0]

    return run
