"""In a real browser: the goal page with indicator charts, the implementation page and a
funded project's page pass axe-core; staff publish an update through the confirmation step;
without JavaScript the charts are drawn all the same (they are inline SVG from the server)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.consultations.models import IndicatorValue
from app.extensions import db
from app.implementation.models import (
    CooperativeStage,
    ImplementationStatus,
    ImplementationUpdate,
)
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD, make_user
from tests.factories import make_consultation, make_goal, make_indicator, make_proposal
from tests.implementation.helpers import funded

pytestmark = pytest.mark.browser


def _city():
    goal = make_goal("1", title="Czysta energia")
    objective = make_goal("1.1", parent=goal, title="Energia odnawialna")
    for name, values in (("Moc fotowoltaiki", ("4.2", "6.8", "9.1", "11.5")),
                         ("Budynki na węglu", ("31", "28.5", "25", "22.4"))):
        indicator = make_indicator(goal, name=name, baseline=Decimal(values[0]),
                                   target=Decimal("20"))
        for year, value in zip(range(2021, 2025), values, strict=True):
            db.session.add(IndicatorValue(indicator_id=indicator.id, year=year,
                                          value=Decimal(value)))
    db.session.commit()
    consultation = make_consultation("results")
    solar = funded(consultation, cost="480000", goals=[objective], progress=55,
                   title="Słoneczne dachy")
    funded(consultation, cost="120000", goals=[goal], progress=100,
           status=ImplementationStatus.DONE, title="Warsztat napraw")
    funded(consultation, cost="90000", goals=[goal], progress=0,
           status=ImplementationStatus.CANCELLED, title="Ogród")
    make_proposal(consultation, goals=[goal], title="Niewybrany projekt")
    return consultation, solar


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/(\?.*)?$"))


def test_goal_and_implementation_pages_are_accessible(page: Page, app):
    consultation, solar = _city()
    staff = make_user(Role.STAFF, locale="en")
    for path in ("/strategy/1", f"/consultations/{consultation.id}/implementation"):
        page.goto(path)
        expect(page.locator("svg[role=img]").first).to_be_visible()
        assert_accessible(page)
    page.goto("/strategy/1.1")  # an objective without indicators, with a funded project
    expect(page.locator("main")).to_contain_text("Słoneczne dachy")
    assert_accessible(page)
    page.goto(f"/proposals/{solar.id}")
    assert_accessible(page)

    _log_in(page, staff.email)
    page.goto("/strategy/1")
    assert page.locator("svg.chart-line").count() == 2
    expect(page.locator("main")).to_contain_text("Progress weighted by cost")
    assert_accessible(page)
    page.goto(f"/proposals/{solar.id}/implementation/update")
    assert_accessible(page)
    page.get_by_label("Date of the update").fill("2026-01-15")
    page.get_by_label("Progress (percent)").fill("70")
    page.get_by_label("Cooperative stage").select_option("registration")
    page.get_by_label("What happened").fill("Wniosek do **KRS** złożony.")
    page.get_by_role("button", name="Check the update").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm the update")
    assert_accessible(page)
    assert db.session.query(ImplementationUpdate).count() == 0
    page.get_by_role("button", name="Publish the update").click()
    expect(page.locator("#implementation")).to_contain_text("70%")
    expect(page.locator("#implementation strong")).to_have_text("KRS")
    expect(page.locator("[aria-current=step]")).to_contain_text("Registration")
    assert_accessible(page)
    db.session.expire_all()
    [update] = db.session.query(ImplementationUpdate).all()
    assert (update.progress, update.cooperative_stage) == (70, CooperativeStage.REGISTRATION)


def test_charts_render_without_javascript(page_without_js: Page, app):
    """(axe-core needs JavaScript; these are the pages checked above.) The SVG has a size
    and its points, the table beside it the same numbers."""
    page = page_without_js
    consultation, _ = _city()
    page.goto("/strategy/1")
    chart = page.locator("svg.chart-line").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 40
    assert chart.locator("circle").count() == 4
    expect(page.locator("table.indicator-values").first).to_contain_text("2024")
    page.goto(f"/consultations/{consultation.id}/implementation")
    bars = page.locator("svg.chart-bars").first
    expect(bars).to_be_visible()
    assert bars.locator("rect.chart-bar").count() == 3
