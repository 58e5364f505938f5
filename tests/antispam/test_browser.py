"""Anti-spam in a real browser: the trap is out of everyone's way, refusals are accessible and
shown in place with htmx, and without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.discussion.models import Comment
from app.extensions import db
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.factories import make_comment, make_proposal

pytestmark = pytest.mark.browser

REFUSAL = "We could not accept the form this time."
# Submits an ordinary form (no htmx) built in the page, with the page's CSRF token.
PLAIN_POST = """([action, fields]) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  const token = document.querySelector('input[name=csrf_token]').value;
  for (const [name, value] of Object.entries({...fields, csrf_token: token})) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login?next=/privacy")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/privacy$"))


def _english(page: Page) -> None:
    page.locator("header").get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _tab_order(page: Page, start: str, stop: str) -> list[str]:
    """The names of the fields the Tab key visits from `start` until `stop`."""
    page.locator(start).focus()
    names = []
    for _step in range(30):
        page.keyboard.press("Tab")
        name = page.evaluate("() => document.activeElement.name || document.activeElement.id")
        names.append(name)
        if page.evaluate(f"() => document.activeElement.matches({stop!r})"):
            return names
    raise AssertionError(f"Tab never reached {stop}: {names}")


def test_registration_trap_is_out_of_the_way_and_a_refusal_can_be_sent_again(
        page: Page, app, guarded) -> None:
    app.config["FORM_MIN_FILL_SECONDS"] = 60  # anything typed here is "too fast"
    page.goto("/account/register")
    _english(page)
    assert_accessible(page)

    trap = page.locator("#website")
    box = trap.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0  # off screen
    expect(page.locator(".form-extra")).to_have_attribute("aria-hidden", "true")
    order = _tab_order(page, "#email", "main form button[type=submit]")
    assert "website" not in order and "display_name" in order and "consent" in order

    page.locator("#email").fill("nowa.osoba@example.org")
    page.locator("#display_name").fill("Nowa Osoba")
    page.locator("#password").fill("dwanascieznakow")
    page.locator("#password_confirm").fill("dwanascieznakow")
    page.locator("#consent").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text(REFUSAL)
    expect(page.locator("#email")).to_have_value("nowa.osoba@example.org")
    expect(page.locator("#display_name")).to_have_value("Nowa Osoba")
    assert_accessible(page)

    app.config["FORM_MIN_FILL_SECONDS"] = 0.001  # time has passed since the form was shown
    page.locator("#password").fill("dwanascieznakow")
    page.locator("#password_confirm").fill("dwanascieznakow")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account/check-email$"))


def test_htmx_comment_refusals_are_shown_in_place(page: Page, app, guarded, users, proposal,
                                                  travel) -> None:
    me = users(name="Jan Kowalski")
    _log_in(page, me.email)
    _english(page)
    page.goto(f"/proposals/{proposal.id}")
    assert_accessible(page)
    page.evaluate("() => { window.notReloaded = true; }")
    form = page.locator("#discussion form.new-comment")

    # sent back faster than a person types: refused in place, nothing lost
    app.config["FORM_MIN_FILL_SECONDS"] = 60
    page.locator("#comment-new-body").fill("Komentarz napisany zbyt szybko.")
    page.locator("#comment-new-stance-for").check()
    form.locator("button[type=submit]").click()
    expect(form.locator(".error-summary")).to_contain_text(REFUSAL)
    expect(page.locator("#comment-new-body")).to_have_value("Komentarz napisany zbyt szybko.")
    expect(page.locator("#comment-new-stance-for")).to_be_checked()
    assert_accessible(page)

    # at the posting limit: the limit and the wait, in place
    app.config["FORM_MIN_FILL_SECONDS"] = 0.001
    for _number in range(5):
        make_comment(proposal, me)
    form.locator("button[type=submit]").click()
    expect(form.locator(".error-summary")).to_contain_text(
        "You can post at most 5 comments per minute.")
    expect(form.locator(".error-summary")).to_contain_text(re.compile(r"again in \d+ seconds"))
    expect(page.locator("#comment-new-body")).to_have_value("Komentarz napisany zbyt szybko.")
    assert_accessible(page)

    travel(me, by=timedelta(seconds=61))
    form.locator("button[type=submit]").click()
    expect(page.locator(".discussion-status")).to_contain_text("Your comment is posted.")
    assert page.evaluate("() => window.notReloaded") is True
    assert db.session.scalar(select(Comment).where(
        Comment.body == "Komentarz napisany zbyt szybko.")) is not None


def test_limits_without_javascript(page_without_js: Page, users, proposal, goal) -> None:
    page = page_without_js
    me = users(name="Ewa Bez Skryptów", locale="en")
    for _number in range(5):
        make_comment(proposal, me)
    for _number in range(2):
        make_proposal(proposal.consultation, me)
    proposal_id, consultation_id, goal_id = proposal.id, proposal.consultation_id, goal.id
    _log_in(page, me.email)

    page.goto(f"/proposals/{proposal_id}")
    page.locator("#comment-new-body").fill("Bez JavaScriptu, za dużo.")
    page.locator("#comment-new-stance-against").check()
    page.locator("#discussion form.new-comment button[type=submit]").click()
    expect(page.locator("main .error-summary")).to_contain_text(
        "You can post at most 5 comments per minute.")
    expect(page.locator("#comment-body")).to_have_value("Bez JavaScriptu, za dużo.")
    expect(page.locator("#comment-stance-against")).to_be_checked()

    page.goto("/proposals/new")
    page.locator("#consultation").select_option(str(consultation_id))
    page.locator("#title").fill("Trzecia propozycja")
    page.locator("#body").fill("Spółdzielnia naprawia rowery dla całej dzielnicy.")
    page.locator("#sector").select_option("repair")
    page.locator("#estimated_cost").fill("50 000")
    page.locator(f"#goal-{goal_id}").check()
    page.locator("main form button[name=submit_proposal]").click()
    expect(page.locator("main .error-summary")).to_contain_text(
        "You can post at most 2 proposals per minute.")
    expect(page.locator("#title")).to_have_value("Trzecia propozycja")


def test_refusal_pages_are_accessible(page: Page, users, proposal, goal) -> None:
    """The pages a refused form comes back on (axe-core needs JavaScript to run)."""
    me = users(name="Ewa Kowalska", locale="en")
    for _number in range(5):
        make_comment(proposal, me)
    for _number in range(2):
        make_proposal(proposal.consultation, me)
    proposal_id, consultation_id, goal_id = proposal.id, proposal.consultation_id, goal.id
    _log_in(page, me.email)

    page.goto(f"/proposals/{proposal_id}")
    page.evaluate(PLAIN_POST, [f"/proposals/{proposal_id}/comments",
                               {"body": "Bez htmx, za dużo.", "stance": "for"}])
    expect(page.locator("main .error-summary")).to_contain_text(
        "You can post at most 5 comments per minute.")
    assert_accessible(page)

    page.goto("/proposals/new")
    page.locator("#consultation").select_option(str(consultation_id))
    page.locator("#title").fill("Trzecia propozycja")
    page.locator("#body").fill("Spółdzielnia naprawia rowery dla całej dzielnicy.")
    page.locator("#sector").select_option("repair")
    page.locator("#estimated_cost").fill("50 000")
    page.locator(f"#goal-{goal_id}").check()
    page.locator("main form button[name=submit_proposal]").click()
    expect(page.locator("main .error-summary")).to_contain_text(
        "You can post at most 2 proposals per minute.")
    assert_accessible(page)
