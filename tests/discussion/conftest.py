"""Fixtures for the discussion's tests: a proposal by another resident, open for comments."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from app.accounts.models import Role
from tests.browser_fixtures import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _open_page,
    _require_chromium,
)
from tests.factories import make_consultation, make_proposal


@pytest.fixture
def proposer(users):
    """The proposal's author, who is none of the people signing in."""
    return users(Role.RESIDENT, name="Anna Autorka")


@pytest.fixture
def proposal(app, proposer):
    """A submitted proposal in a consultation in its proposals phase today."""
    return make_proposal(make_consultation("proposals"), proposer, title="Zielone dachy")


@pytest.fixture
def post_comment(client):
    """POST a comment (or a reply with parent=...) as the signed-in user."""

    def post(proposal, body="Dobry pomysł, popieram.", stance="for", parent=None,
             htmx=False, **extra):
        data = {"body": body, "stance": stance, **extra}
        if parent is not None:
            data["parent_id"] = str(parent.id)
        headers = {"HX-Request": "true"} if htmx else None
        return client.post(f"/proposals/{proposal.id}/comments", data=data, headers=headers)

    return post



@pytest.fixture
def in_browser(live_server) -> Callable:
    """Run `scenario(page)` on a fresh page of headless Chromium against the live server.

    Playwright runs on a thread of its own, because another feature's session-wide
    synchronous Playwright may already run on the test's thread. Read what the scenario needs
    from the database before calling this: the browser thread has no app context.
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

        thread = threading.Thread(target=target, name="discussion-browser")
        thread.start()
        thread.join()
        if failures:
            raise failures[0]

    return run


@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read English text."""
    yield
