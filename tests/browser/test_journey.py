"""Journeys through a real browser: registration to logout, accessibility, no JavaScript,
and two residents taking part in a consultation from proposal to notification."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.discussion.models import Comment, Stance
from app.extensions import db
from app.notifications.models import Follow, Notification, NotificationKind
from app.organisations.models import Organisation, OrganisationKind
from app.proposals.models import Proposal, ProposalGoal, ProposalStatus, Sector
from app.supports.models import Support
from tests.browser_fixtures import _open_page, assert_accessible
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_district, make_goal, make_proposal

pytestmark = pytest.mark.browser


def _path(path: str) -> re.Pattern[str]:
    """Match the page's URL by its path (any query string)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def _go(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_url(_path(path))


def _submit(page: Page) -> None:
    """Press the main form's submit button."""
    page.locator("main form button[type=submit]").first.click()


def _log_in(page: Page, email: str, password: str = PASSWORD, *, check: bool = True) -> None:
    _go(page, "/account/login")
    if check:
        assert_accessible(page)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    _submit(page)
    page.wait_for_url(_path("/"))
    expect(page.locator("nav form button")).to_be_visible()


def _log_out(page: Page, label: str = "Log out") -> None:
    page.get_by_role("navigation").get_by_role("button", name=label).click()
    page.wait_for_url(_path("/"))
    expect(page.locator("nav a[href='/account/login']")).to_be_visible()


def _switch_language(page: Page, label: str, code: str) -> None:
    button = page.locator("header").get_by_role("button", name=label, exact=True)
    button.click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(button).to_have_attribute("aria-pressed", "true")
    page.wait_for_load_state("load")


def _user(email: str) -> User:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, f"no account for {email}"
    return user


def test_register_confirm_login_switch_language_and_log_out(page: Page, outbox) -> None:
    email = "nowa.mieszkanka@example.org"

    _go(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert_accessible(page)

    page.locator("main a[href='/account/register']").click()
    page.wait_for_url(_path("/account/register"))
    assert_accessible(page)
    page.locator("#email").fill(email)
    page.locator("#display_name").fill("Nowa Mieszkanka")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_confirm").fill(PASSWORD)
    page.locator("#consent").check()
    _submit(page)

    page.wait_for_url(_path("/account/check-email"))
    assert_accessible(page)
    assert _user(email).email_confirmed_at is None

    link = outbox.last_link(email)
    assert link.startswith("/account/confirm/")
    _go(page, link)
    assert_accessible(page)
    assert _user(email).email_confirmed_at is None, "opening the link must not confirm"
    _submit(page)

    page.wait_for_url(_path("/account/login"))
    expect(page.locator(".flash-success")).to_be_visible()
    assert_accessible(page)  # the login page, with the confirmation message
    assert _user(email).email_confirmed_at is not None
    _log_in(page, email)
    assert_accessible(page)

    _switch_language(page, "English", "en")
    expect(page.get_by_role("navigation").get_by_role("link", name="My account")).to_be_visible()
    expect(page.locator(".flash-success")).to_have_text("Language changed.")
    assert_accessible(page)
    assert _user(email).locale == "en"

    page.get_by_role("navigation").get_by_role("link", name="My account").click()
    page.wait_for_url(_path("/account/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.locator("main")).to_contain_text(email)
    expect(page.locator(".notice")).to_have_count(0)  # the address is confirmed
    assert_accessible(page)

    _log_out(page)
    expect(page.locator(".flash-success")).to_have_text("You are logged out.")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


ANONYMOUS_PAGES = ["/", "/account/login", "/account/register", "/organisations/",
                   "/moderation/log", "/nope"]
MEMBER_PAGES = ["/account/", "/organisations/", "/organisations/represent"]


def _check_pages(page: Page, paths: list[str], code: str) -> None:
    for path in paths:
        _go(page, path)
        expect(page.locator("html")).to_have_attribute("lang", code)
        assert_accessible(page)


def test_pages_are_accessible_in_both_languages(page: Page, users) -> None:
    organisation = Organisation(name="Spółdzielnia Energetyczna Zielone Pole",
                                kind=OrganisationKind.COOPERATIVE, approved_at=utcnow())
    db.session.add(organisation)
    db.session.commit()
    member = users(Role.RESIDENT, name="Jan Kowalski")

    _check_pages(page, ANONYMOUS_PAGES, "pl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("404")
    _log_in(page, member.email)
    _check_pages(page, MEMBER_PAGES, "pl")

    _switch_language(page, "English", "en")
    assert_accessible(page)
    _check_pages(page, MEMBER_PAGES, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Represent an organisation")
    _log_out(page)
    _check_pages(page, ANONYMOUS_PAGES, "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Page not found")


def test_admin_users_page_is_accessible(page: Page, users) -> None:
    admin = users(Role.ADMIN, name="Anna Administratorka")
    users(Role.STAFF, name="Piotr Urzędnik")
    _log_in(page, admin.email, check=False)

    _check_pages(page, ["/admin/users"], "pl")
    expect(page.locator("main table tbody tr")).to_have_count(2)
    _switch_language(page, "English", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users and roles")
    assert_accessible(page)


def test_log_in_and_out_without_javascript(page_without_js: Page, users) -> None:
    page = page_without_js
    member = users(Role.RESIDENT, name="Ewa Bez Skryptów")
    _log_in(page, member.email, check=False)
    assert page.evaluate("() => typeof window.htmx") == "undefined", "scripts ran"
    expect(page.locator(".flash-success")).to_contain_text("Ewa Bez Skryptów")
    _switch_language(page, "English", "en")
    _log_out(page)
    expect(page.locator(".flash-success")).to_have_text("You are logged out.")


# -- two residents take part in a consultation --------------------------------------------------

TITLE = "Zielone dachy na blokach Śródmieścia"
BODY = ("Spółdzielnia zakłada **zielone dachy** na blokach z wielkiej płyty.\n\n"
        "- mech i rozchodniki\n- zbiorniki na deszczówkę\n\n"
        "Pracę dostaną mieszkańcy dzielnicy.")
COMMENT = "Popieram, nasz blok chętnie dołączy."
REPLY = "Dziękuję! Zapraszam na spotkanie założycielskie w czwartek."


class ConsoleErrors:
    """Errors a page logs or throws: failed requests (the icon's too), htmx errors, uncaught
    exceptions."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"uncaught: {error}"))

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        if message.type == "error":
            self.messages.append(f"console: {message.text} at {url}")

    def assert_clean(self) -> None:
        assert not self.messages, "errors in the browser console:\n" + "\n".join(self.messages)


@contextmanager
def _second_resident(browser, live_server: str) -> Iterator[Page]:
    """A browser context of its own (own cookies, own login), watched for CSP violations."""
    context, page = _open_page(browser, live_server)
    try:
        yield page
        page.csp.assert_clean()
    finally:
        context.close()


def _mark_loaded(page: Page) -> None:
    """Tag the loaded document; an htmx swap keeps the tag, a page load loses it."""
    page.evaluate("() => { window.notReloaded = true; }")


def _assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _fresh() -> None:
    """Read what the live server's requests committed, not the session's cached rows."""
    db.session.expire_all()


def test_propose_support_discuss_and_hear_of_a_reply(page: Page, browser, live_server,
                                                     users) -> None:
    consultation = make_consultation("proposals", title="Spółdzielnie dla Wrzosowa 2027")
    district = make_district("Śródmieście")
    energy = make_goal("1", title="Zielona energia")
    make_goal("1.1", parent=energy, title="Fotowoltaika")
    climate = make_goal("2", title="Miasto odporne na upał")
    anna = users(name="Anna Autorka", email="anna@example.org", locale="en")
    bartek = users(name="Bartek Sąsiad", email="bartek@example.org", locale="en")
    make_proposal(consultation, users(), title="Naprawa rowerów przy bibliotece",
                  sector=Sector.REPAIR)
    console_a = ConsoleErrors(page)

    # 1. Anna wants to write a proposal, is asked to log in, and submits it through the form.
    _go(page, "/proposals")
    page.locator("main a[href='/proposals/new']").click()
    page.wait_for_url(_path("/account/login"))
    assert page.url.endswith("/account/login?next=/proposals/new")
    assert_accessible(page)  # the login page, with "please log in"
    page.locator("#email").fill(anna.email)
    page.locator("#password").fill(PASSWORD)
    _submit(page)
    page.wait_for_url(_path("/proposals/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a proposal")
    assert_accessible(page)

    page.locator("#consultation").select_option(str(consultation.id))
    page.locator("#title").fill(TITLE)
    page.locator("#body").fill(BODY)
    page.locator("#sector").select_option(Sector.RETROFIT.value)
    page.locator("#district").select_option(str(district.id))
    page.locator("#estimated_cost").fill("250 000,50")
    page.locator("#expected_jobs").fill("6")
    page.locator(f"#goal-{climate.id}").check()
    page.get_by_role("button", name="Submit", exact=True).click()

    page.wait_for_url(re.compile(r"/proposals/\d+$"))
    proposal_id = int(page.url.rsplit("/", 1)[1])
    proposal_path = f"/proposals/{proposal_id}"
    expect(page.locator(".flash-success")).to_contain_text("Your proposal is submitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".proposal-status .tag")).to_have_text("Submitted")
    expect(page.locator(".proposal-body strong")).to_have_text("zielone dachy")
    expect(page.locator(".proposal-body li")).to_have_count(2)
    facts = page.locator(".proposal-facts")
    for fact in ("Building retrofit", "Śródmieście", "250,000.50", "2 Miasto odporne na upał",
                 "Anna Autorka"):
        expect(facts).to_contain_text(fact)
    expect(facts.locator("div", has_text="Expected jobs").locator("dd")).to_have_text("6")
    assert_accessible(page)  # the proposal page as its author sees it

    _fresh()
    proposal = db.session.get(Proposal, proposal_id)
    assert (proposal.title, proposal.author_id, proposal.status) == (
        TITLE, anna.id, ProposalStatus.SUBMITTED)
    assert proposal.consultation_id == consultation.id
    assert (proposal.sector, proposal.district_id) == (Sector.RETROFIT, district.id)
    assert (proposal.estimated_cost, proposal.expected_jobs) == (Decimal("250000.50"), 6)
    assert "<strong>zielone dachy</strong>" in proposal.body_html
    assert db.session.scalars(select(ProposalGoal.goal_id).where(
        ProposalGoal.proposal_id == proposal_id)).all() == [climate.id]

    with _second_resident(browser, live_server) as page_b:
        console_b = ConsoleErrors(page_b)

        # 2. Bartek logs in, searches the listing (htmx swaps the results) and opens it.
        _log_in(page_b, bartek.email, check=False)
        page_b.get_by_role("navigation").get_by_role("link", name="Proposals",
                                                     exact=True).click()
        page_b.wait_for_url(_path("/proposals"))
        results = page_b.locator("#proposal-results")
        expect(results.locator(".proposal-card")).to_have_count(2)
        assert_accessible(page_b)
        _mark_loaded(page_b)
        page_b.locator("#filter-q").fill("zielone dachy")
        expect(results.locator(".proposal-card")).to_have_count(1)
        expect(results).to_contain_text(TITLE)
        expect(results).not_to_contain_text("Naprawa rowerów")
        expect(results.locator(".results-count")).to_have_text("1 proposal")
        expect(page_b).to_have_url(re.compile(r"/proposals\?(.*&)?q=zielone(\+|%20)dachy&"))
        _assert_not_reloaded(page_b)
        assert_accessible(page_b)  # the listing after the swap
        results.get_by_role("link", name=TITLE).click()
        page_b.wait_for_url(_path(proposal_path))

        # ... supports it and follows it, each with an htmx toggle.
        _mark_loaded(page_b)
        expect(page_b.locator(f"#support-count-{proposal_id}")).to_contain_text("0 supports")
        page_b.get_by_role("button", name="Support this proposal").click()
        expect(page_b.locator(f"#support-count-{proposal_id}")).to_contain_text("1 support")
        expect(page_b.locator(".support-mine")).to_have_text("You support this proposal.")
        expect(page_b.get_by_role("button", name="Withdraw my support")).to_be_focused()
        follow = page_b.locator(f"#follow-button-{proposal_id}")
        expect(follow).to_have_text("Follow this proposal")
        follow.click()
        expect(follow).to_have_text("Unfollow")
        expect(page_b.locator(f"#follow-{proposal_id} .follow-state")).to_have_text(
            "You follow this proposal.")
        _assert_not_reloaded(page_b)
        _fresh()
        assert db.session.get(Proposal, proposal_id).support_count == 1
        assert _count(Support, Support.proposal_id == proposal_id,
                      Support.user_id == bartek.id) == 1
        assert _count(Follow, Follow.proposal_id == proposal_id,
                      Follow.user_id == bartek.id) == 1

        # 3. Bartek comments in favour (htmx swaps the discussion in place).
        page_b.locator("#comment-new-body").fill(COMMENT)
        page_b.locator("#comment-new-stance-for").check()
        page_b.get_by_role("button", name="Post comment").click()
        expect(page_b.locator(".discussion-status")).to_have_text("Your comment is posted.")
        discussion = page_b.locator("#discussion")
        expect(discussion.locator(".comment")).to_have_count(1)
        expect(discussion.locator(".comment-card")).to_contain_text(COMMENT)
        expect(discussion.locator(".stance-summary .stance-for dd")).to_have_text("1")
        _assert_not_reloaded(page_b)
        expect(page_b.locator("#notifications-nav .notification-count")).to_have_count(0)
        assert_accessible(page_b)  # supports panel and discussion, as a supporter sees them
        _fresh()
        comment = db.session.scalar(select(Comment).where(Comment.proposal_id == proposal_id))
        assert (comment.author_id, comment.stance, comment.body, comment.parent_id) == (
            bartek.id, Stance.FOR, COMMENT, None)
        assert db.session.get(Proposal, proposal_id).comment_count == 1

        # ... and Anna, in her own browser, replies to it without a page load.
        page.reload()
        expect(page.locator(f"#comment-{comment.id}")).to_contain_text(COMMENT)
        _mark_loaded(page)
        page.locator(f"#reply-slot-{comment.id}").get_by_role(
            "link", name="Reply to Bartek Sąsiad", exact=True).click()
        reply_form = page.get_by_role("form", name="Reply to Bartek Sąsiad")
        page.locator(f"#reply-{comment.id}-body").fill(REPLY)
        page.locator(f"#reply-{comment.id}-stance-neutral").check()
        reply_form.get_by_role("button", name="Post reply").click()
        replies = page.locator(f"#comment-{comment.id} .comment-replies")
        expect(replies).to_contain_text(REPLY)
        expect(replies.locator(".comment-author")).to_have_text("Anna Autorka")
        expect(page.locator(".discussion-status")).to_have_text("Your comment is posted.")
        _assert_not_reloaded(page)
        assert_accessible(page)  # the proposal page as its author sees it, with a thread
        _fresh()
        reply = db.session.scalar(select(Comment).where(Comment.parent_id == comment.id))
        assert (reply.author_id, reply.body, reply.stance) == (anna.id, REPLY, Stance.NEUTRAL)
        notification = db.session.scalar(select(Notification).where(
            Notification.user_id == bartek.id))
        assert (notification.kind, notification.comment_id, notification.read_at) == (
            NotificationKind.REPLY, reply.id, None)
        assert _count(Notification, Notification.user_id == bartek.id) == 1

        # 4. Bartek's header shows the unread reply; marking it read clears the count.
        page_b.reload()
        expect(page_b.locator("#notifications-nav .notification-count")).to_have_text(
            "(1 unread)")
        page_b.locator("#notifications-nav a").click()
        page_b.wait_for_url(_path("/notifications"))
        expect(page_b.get_by_role("heading", level=1)).to_have_text("Notifications")
        item = page_b.locator(f"#notification-{notification.id}")
        expect(item).to_have_class(re.compile(r"\bnotification-unread\b"))
        expect(item.locator(".notification-text a")).to_have_text(
            f"Anna Autorka replied to your comment on “{TITLE}”.")
        assert_accessible(page_b)
        _mark_loaded(page_b)
        page_b.locator(f"#notification-read-{notification.id}").click()
        expect(page_b.locator(".notification-unread")).to_have_count(0)
        expect(item.get_by_role("link")).to_be_focused()  # not thrown back to the page top
        expect(page_b.locator("#notifications-nav .notification-count")).to_have_count(0)
        expect(page_b.locator("#notifications-nav a")).to_have_text("Notifications")
        _assert_not_reloaded(page_b)
        assert_accessible(page_b)  # the list after the swap, with the header swapped too
        _fresh()
        assert db.session.get(Notification, notification.id).read_at is not None

        # ... and the notification leads to Anna's reply.
        item.get_by_role("link").click()
        page_b.wait_for_url(re.compile(rf"/proposals/{proposal_id}#comment-{reply.id}$"))
        expect(page_b.locator(f"#comment-{reply.id}")).to_contain_text(REPLY)
        expect(page_b.locator(f"#comment-{reply.id}")).to_be_in_viewport()
        expect(page_b.locator("#notifications-nav .notification-count")).to_have_count(0)
        console_b.assert_clean()
    console_a.assert_clean()
