"""Journeys through a real browser: registration to logout, accessibility, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD

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
