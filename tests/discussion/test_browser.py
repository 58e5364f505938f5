"""The discussion and notifications in a real browser: axe-core, htmx, and without JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db_types import utcnow
from app.discussion.models import Comment, Stance
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.factories import make_comment

pytestmark = pytest.mark.browser

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
    """Log in and land on a page of fixed content (not the busy home page)."""
    page.goto("/account/login?next=/privacy")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/privacy$"))


def _english(page: Page) -> None:
    page.locator("header").get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _thread(proposal, me, other) -> dict[str, int]:
    """A small discussion: an edited reply of mine, a deleted comment with a reply."""
    first = make_comment(proposal, other, body="Pierwszy komentarz\nw dwóch liniach.")
    mine = make_comment(proposal, me, parent=first, stance=Stance.AGAINST, body="Mój głos.")
    mine.edited_at = utcnow()
    gone = make_comment(proposal, other, stance=Stance.NEUTRAL, body="Usunięty.")
    gone.deleted_at = utcnow()
    db.session.commit()
    make_comment(proposal, other, parent=gone, body="Odpowiedź na usunięty.")
    return {"first": first.id, "mine": mine.id, "gone": gone.id}


def test_discussion_with_htmx_is_accessible(in_browser, users, proposal, proposer) -> None:
    me = users(name="Jan Kowalski")
    ids = _thread(proposal, me, proposer)
    email, proposal_id, first = me.email, proposal.id, ids["first"]

    def scenario(page: Page) -> None:
        _log_in(page, email)
        _english(page)
        page.goto(f"/proposals/{proposal_id}")
        assert_accessible(page)
        page.evaluate("() => { window.notReloaded = true; }")

        # an empty comment: errors in place, nothing reloaded
        page.locator("#discussion form.new-comment button[type=submit]").click()
        expect(page.locator("#comment-new-body-error")).to_be_visible()
        assert_accessible(page)

        page.locator("#comment-new-body").fill("Komentarz przez htmx.")
        page.locator("#comment-new-stance-for").check()
        page.locator("#discussion form.new-comment button[type=submit]").click()
        expect(page.locator(".discussion-status")).to_contain_text("Your comment is posted.")
        expect(page.locator("#discussion")).to_contain_text("Komentarz przez htmx.")
        assert page.evaluate("() => window.notReloaded") is True

        # a reply: the form comes in place under the first comment, the cursor in it
        reply = page.locator(f"#reply-slot-{first}")
        reply.get_by_role("link", name=re.compile("^Reply")).click()
        expect(page.locator(f"#reply-{first}-body")).to_be_focused()
        assert page.evaluate("() => window.notReloaded") is True
        page.locator(f"#reply-{first}-body").fill("Odpowiedź przez htmx.")
        page.locator(f"#reply-{first}-stance-neutral").check()
        assert_accessible(page)
        reply.locator("button[type=submit]").click()
        expect(page.locator(f"#comment-{first} .comment-replies")).to_contain_text(
            "Odpowiedź przez htmx.")

        # up-vote the first comment, then withdraw the up-vote
        button = page.locator(f"#upvote-button-{first}")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button).to_contain_text("(1)")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "false")

        # unfollow (commenting followed), then sort
        page.locator(f"#follow-button-{proposal_id}").click()
        expect(page.locator(f"#follow-button-{proposal_id}")).to_have_text(
            "Follow this proposal")
        page.locator(".sort-links a", has_text="Most up-voted first").click()
        expect(page.locator(".sort-links a[aria-current=true]")).to_have_text(
            "Most up-voted first")
        assert page.evaluate("() => window.notReloaded") is True
        assert_accessible(page)

        # the page a refused reply lands on without JavaScript (a plain form post)
        page.evaluate(PLAIN_POST, [f"/proposals/{proposal_id}/comments",
                                   {"body": "x", "stance": "", "parent_id": str(first)}])
        expect(page.locator("#comment-body-error")).to_be_visible()
        assert_accessible(page)

        page.goto(f"/comments/{ids['mine']}/edit")
        assert_accessible(page)
        page.goto(f"/comments/{ids['mine']}/delete")
        assert_accessible(page)

    in_browser(scenario)
    assert db.session.scalar(select(Comment).where(Comment.body == "Komentarz przez htmx."))


def test_discussion_without_javascript(in_browser, users, proposal, proposer) -> None:
    email = users(name="Ewa Bez Skryptów").email
    proposal_id, first = proposal.id, make_comment(proposal, proposer, body="Pierwszy.").id

    def scenario(page: Page) -> None:
        _log_in(page, email)
        assert page.evaluate("() => typeof window.htmx") == "undefined", "scripts ran"
        page.goto(f"/proposals/{proposal_id}")
        page.locator("#comment-new-body").fill("Bez JavaScriptu.")
        page.locator("#comment-new-stance-against").check()
        page.locator("#discussion form.new-comment button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/proposals/{proposal_id}#comment-\d+$"))
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.locator("#discussion")).to_contain_text("Bez JavaScriptu.")

        page.locator(f"#reply-slot-{first}").get_by_role("link").click()  # a page of its own
        expect(page.get_by_role("heading", level=1)).to_have_text("Odpowiedz na komentarz")
        page.locator("#comment-body").fill("x")
        page.locator("#comment-stance-for").check()
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#comment-body-error")).to_be_visible()  # the page with the form
        expect(page.locator("#comment-body")).to_have_value("x")
        page.locator("#comment-body").fill("Odpowiedź bez skryptów.")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/proposals/{proposal_id}#comment-\d+$"))
        expect(page.locator(f"#comment-{first} .comment-replies")).to_contain_text(
            "Odpowiedź bez skryptów.")

        page.locator(f"#upvote-button-{first}").click()
        page.wait_for_url(re.compile(rf"#comment-{first}$"))
        expect(page.locator(f"#upvote-button-{first}")).to_have_attribute(
            "aria-pressed", "true")

    in_browser(scenario, javascript=False)


def test_notifications_pages_are_accessible(in_browser, users, proposal) -> None:
    me = users(name="Jan Kowalski")
    for n in range(3):
        db.session.add(Notification(
            user_id=me.id, kind=NotificationKind.NEW_COMMENT, proposal_id=proposal.id,
            params={"actor": f"Osoba {n}", "title": "Zielone dachy"}, created_at=utcnow(),
            read_at=utcnow() if n == 0 else None))
    db.session.commit()
    email = me.email

    def scenario(page: Page) -> None:
        _log_in(page, email)
        expect(page.locator("#notifications-nav")).to_contain_text("(2")
        page.locator("#notifications-nav a").click()
        assert_accessible(page)
        page.locator(".notification-unread button").first.click()
        expect(page.locator("#notifications-nav")).to_contain_text("(1")
        expect(page.locator(".notification-unread")).to_have_count(1)
        page.locator("#notifications-read-all").click()
        expect(page.locator(".notification-unread")).to_have_count(0)
        expect(page.locator(".notification a").first).to_be_focused()
        expect(page.locator("#notifications-nav .notification-count")).to_have_count(0)
        assert_accessible(page)
        _english(page)
        assert_accessible(page)
        page.goto("/notifications/preferences")
        assert_accessible(page)
        page.locator("#replies").uncheck()
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.locator("#replies")).not_to_be_checked()

    in_browser(scenario)
