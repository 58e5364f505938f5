"""The consultation and strategy pages in a real browser, checked with axe-core."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.consultations.models import IndicatorValue
from app.extensions import db
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.factories import (
    make_consultation,
    make_district,
    make_goal,
    make_indicator,
    make_proposal,
)

pytestmark = pytest.mark.browser


def _go(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("load")


def _log_in(page: Page, email: str) -> None:
    _go(page, "/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def _data(users):
    consultation = make_consultation("proposals", description="Akapit pierwszy.\nLinia.\n\nDrugi.")
    make_consultation("upcoming")
    make_consultation("results")
    goal = make_goal("2", title="Praca i kompetencje")
    objective = make_goal("2.1", parent=goal, title="Kompetencje cyfrowe")
    indicator = make_indicator(goal, name="Stopa bezrobocia", baseline=Decimal("8.4"))
    for year, value in ((2021, "8.4"), (2022, "7.9")):
        db.session.add(IndicatorValue(indicator_id=indicator.id, year=year, value=Decimal(value)))
    db.session.commit()
    author = users(Role.RESIDENT)
    make_proposal(consultation, author, goals=[goal], support_count=4)
    make_proposal(consultation, author, goals=[objective])
    return consultation, goal, make_district("Stare Miasto")


def test_public_pages_are_accessible(in_browser, users) -> None:
    consultation, _goal, _district = _data(users)
    shown = f"/consultations/{consultation.id}"  # rows are read here, not on the browser thread

    def scenario(page: Page) -> None:
        for path in ("/consultations", shown, "/strategy", "/strategy/2", "/strategy/2.1"):
            _go(page, path)
            assert_accessible(page)
        _go(page, shown)
        expect(page.locator("[aria-current=step]")).to_have_count(1)

    in_browser(scenario)


def test_staff_pages_are_accessible_with_errors_shown(in_browser, users) -> None:
    consultation, goal, district = _data(users)
    email = users(Role.STAFF).email
    paths = ["/consultations", f"/consultations/{consultation.id}/edit",
             "/consultations/districts", f"/consultations/districts/{district.id}/edit",
             f"/consultations/districts/{district.id}/delete", "/strategy/2",
             f"/strategy/goals/{goal.id}/edit", f"/strategy/goals/{goal.id}/delete",
             "/strategy/indicators/import"]

    def scenario(page: Page) -> None:
        _log_in(page, email)
        for path in paths:
            _go(page, path)
            assert_accessible(page)

        _go(page, "/consultations/new")
        page.locator("#title").fill("Nowe konsultacje")
        page.locator("#proposals_from").fill("2030-03-10")
        page.locator("#review_from").fill("2030-03-01")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page.locator(".error-summary")).to_be_visible()
        assert_accessible(page)

        _go(page, "/strategy/indicators/import")
        page.locator("#file").set_input_files(files=[{
            "name": "wskazniki.csv", "mimeType": "text/csv",
            "buffer": b"goal_code;name;unit;source;baseline;baseline_year;target;target_year;"
                      b"2021\n9;Nieznany;%;GUS;x;;;;1\n"}])
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page.locator("table.import-problems tbody tr")).to_have_count(2)
        assert_accessible(page)

    in_browser(scenario)


def test_staff_add_a_district_without_javascript(in_browser, users) -> None:
    email = users(Role.STAFF).email

    def scenario(page: Page) -> None:
        _log_in(page, email)
        assert page.evaluate("() => typeof window.htmx") == "undefined", "scripts ran"
        _go(page, "/consultations/districts")
        page.locator("#name").fill("  Nadrzecze ")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        expect(page.locator("main table")).to_contain_text("Nadrzecze")

    in_browser(scenario, javascript=False)
