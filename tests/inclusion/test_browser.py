"""The dashboard and panel pages in a real browser: axe-core finds no violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from app.accounts.models import Role
from app.extensions import db
from app.inclusion.models import (
    AgeBand,
    Gender,
    Panel,
    PanelQuota,
    PanelStatus,
    PanelVolunteer,
    WorkSituation,
)
from tests.browser_fixtures import assert_accessible, switch_user
from tests.conftest import PASSWORD, make_user
from tests.factories import make_consultation, make_proposal
from tests.inclusion.helpers import districts_with_population, person, supports

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    switch_user(page, email, PASSWORD)


def _city():
    districts = districts_with_population()
    consultation = make_consultation()
    proposal = make_proposal(consultation)
    people = ([person(Gender.FEMALE, AgeBand.A30_44, districts[0], WorkSituation.CARING)
               for _ in range(12)]
              + [person(Gender.MALE, AgeBand.A45_64, districts[1]) for _ in range(10)]
              + [person(Gender.MALE, AgeBand.A65, districts[2]) for _ in range(3)])
    supports(proposal, people)
    panel = Panel(title="Panel o energii", description="Opis panelu.", size=2,
                  consultation_id=consultation.id, status=PanelStatus.DRAWN, seed=424242)
    db.session.add(panel)
    db.session.flush()
    for feature, value, low, high in (("gender", "female", 1, 1), ("gender", "male", 1, 1)):
        db.session.add(PanelQuota(panel_id=panel.id, feature=feature, value=value,
                                  minimum=low, maximum=high))
    for number, user in enumerate(people[:4], start=1):
        db.session.add(PanelVolunteer(
            panel_id=panel.id, user_id=user.id, number=number, gender=Gender.FEMALE,
            age_band=AgeBand.A30_44, district_id=districts[0].id,
            work_situation=WorkSituation.CARING, selected=number <= 2, probability=0.5))
    open_panel = Panel(title="Nabór otwarty", size=6, consultation_id=consultation.id)
    db.session.add(open_panel)
    db.session.commit()
    return consultation, panel, open_panel, people[0]


def test_dashboard_and_panel_pages_are_accessible(page: Page, app) -> None:
    consultation, panel, open_panel, member = _city()
    staff = make_user(Role.STAFF, locale="en")
    for path in ("/inclusion/", "/inclusion/?dimension=district",
                 f"/inclusion/consultations/{consultation.id}", "/inclusion/population",
                 "/inclusion/panels", f"/inclusion/panels/{panel.id}",
                 f"/inclusion/panels/{open_panel.id}"):
        page.goto(path)
        assert_accessible(page)
    page.goto(f"/inclusion/consultations/{consultation.id}")
    assert page.locator("svg.chart").first.get_attribute("role") == "img"

    _log_in(page, member.email)
    for path in ("/inclusion/profile", f"/inclusion/panels/{panel.id}/space",
                 f"/inclusion/panels/{open_panel.id}/apply", "/inclusion/profile/withdraw"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/inclusion/profile")
    page.locator("main form button[type=submit]").first.click()  # no consent: errors
    assert_accessible(page)

    _log_in(page, staff.email)
    for path in (f"/inclusion/panels/{open_panel.id}",
                 f"/inclusion/panels/{open_panel.id}/quotas?from=population",
                 f"/inclusion/panels/{open_panel.id}/seed", "/inclusion/population/import",
                 "/inclusion/panels/new", f"/inclusion/panels/{panel.id}/recommendations/new"):
        page.goto(path)
        assert_accessible(page)
