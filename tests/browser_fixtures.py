"""Browser fixtures shared by every test folder: live server, headless Chromium, axe-core.

Registered once for the whole suite in tests/conftest.py (pytest_plugins), so one Playwright
driver serves every browser test.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CSP_MARKERS = ("content security policy", "content-security-policy")
TIMEOUT_MS = 10_000


def _require_chromium() -> None:
    """Skip without Chromium, or fail when the run insists on browser tests."""
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}; the browser tests cannot run."
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(message + " (REQUIRE_BROWSER_TESTS=1 is set.)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the test's app (and so its database) on a free local port; yield the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright driver for the run (started only if Chromium is there)."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's Chromium, headless; never a downloaded browser."""
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@functools.cache
def axe_source() -> str:
    """The axe-core script installed from npm (read once per run)."""
    assert AXE_PATH.exists(), f"axe-core is missing at {AXE_PATH}; run `npm ci`."
    return AXE_PATH.read_text(encoding="utf-8")


class CspWatcher:
    """Collects console messages that report Content-Security-Policy violations."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message) -> None:
        if any(marker in message.text.lower() for marker in CSP_MARKERS):
            self.messages.append(f"{message.type}: {message.text}")

    def assert_clean(self) -> None:
        """Fail on violations seen since the last check (each is reported once)."""
        messages, self.messages = self.messages, []
        assert not messages, "CSP violations in the console:\n" + "\n".join(messages)


def _open_page(browser, live_server: str, **context_options):
    context = browser.new_context(base_url=live_server, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watcher = CspWatcher()
    page.on("console", watcher)
    page.csp = watcher  # read by assert_accessible and at teardown
    return context, page


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh browser context and page for the test, on the live server."""
    context, page = _open_page(browser, live_server)
    try:
        yield page
        page.csp.assert_clean()
    finally:
        context.close()


@pytest.fixture
def page_without_js(browser, live_server) -> Iterator:
    """A fresh page with JavaScript turned off, as some residents browse."""
    context, page = _open_page(browser, live_server, java_script_enabled=False)
    try:
        yield page
        page.csp.assert_clean()
    finally:
        context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}"
                     f" ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"    html:   {node['html']}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n            ")
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(
  result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
  })))"""


def assert_accessible(page) -> None:
    """Check the page with axe-core (WCAG 2.1 A/AA and best practice), then the CSP log."""
    page.wait_for_load_state("load")
    # DevTools evaluation is not subject to the page's CSP: no script tag, no CSP bypass.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;true")
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    assert not violations, (f"axe-core found {len(violations)} violation(s) on {page.url}:\n"
                            + _describe(violations))
    page.csp.assert_clean()


@pytest.fixture
def in_browser(live_server) -> Callable:
    """Run `scenario(page)` on a fresh page of headless Chromium against the live server.

    Playwright runs on a thread of its own, apart from the session-wide one; read what the
    scenario needs from the database before calling this (the thread has no app context).
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

        thread = threading.Thread(target=target, name="scenario-browser")
        thread.start()
        thread.join()
        if failures:
            raise failures[0]

    return run


def switch_user(page, email: str, password: str) -> None:
    """Sign out whoever is signed in and sign in as `email`.

    Requests still in flight from the last page (stylesheet, favicon) refresh the session cookie,
    so cookies are cleared only once the page is idle; the login form is then asked for again
    until it shows, which proves no session survived.
    """
    page.wait_for_load_state("networkidle")
    for _ in range(3):
        page.context.clear_cookies()
        page.goto("/account/login")
        if page.locator("#email").count():
            break
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(\?.*)?$"))
