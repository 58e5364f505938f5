"""Citizens' panels: the call, quotas from the population, the published seed, the draw that
anyone can re-run, notification, the private space and the recommendations."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.inclusion import draw, panels
from app.inclusion.models import (
    AgeBand,
    Gender,
    Panel,
    PanelStatus,
    PanelVolunteer,
    WorkSituation,
)
from tests.conftest import PASSWORD, make_user
from tests.factories import make_consultation, make_proposal
from tests.inclusion.helpers import districts_with_population, person

needs_library = pytest.mark.skipif(not draw.available(),
                                   reason="the optional sortition library is not installed")


def _pool(panel: Panel, districts, count: int = 24) -> list:
    """`count` volunteers spread over genders, ages and districts."""
    combos = itertools.cycle(itertools.product(
        [Gender.FEMALE, Gender.MALE], list(AgeBand), districts))
    people = []
    for _ in range(count):
        gender, band, district = next(combos)
        user = make_user()
        panels.apply(panel, user, gender=gender, age_band=band, district_id=district.id,
                     work_situation=WorkSituation.CARING if gender is Gender.FEMALE
                     else WorkSituation.EMPLOYED)
        people.append(user)
    return people


def _staff_panel(client, auth, size: int = 6):
    consultation = make_consultation()
    staff = auth.login_as(Role.STAFF)
    response = client.post("/inclusion/panels/new", data={
        "title": "Panel o spółdzielniach", "description": "Opis.", "size": str(size),
        "consultation": str(consultation.id)})
    assert response.status_code == 303
    panel = db.session.scalar(select(Panel))
    return panel, consultation, staff


def _save_proportional_quotas(client, panel):
    page = client.get(f"/inclusion/panels/{panel.id}/quotas?from=population")
    assert page.status_code == 200
    quotas = panels.proportional_quotas(panel.size)
    data = {}
    for index, quota in enumerate(quotas):
        data.update({f"rows-{index}-feature": quota.feature, f"rows-{index}-value": quota.value,
                     f"rows-{index}-minimum": str(quota.minimum),
                     f"rows-{index}-maximum": str(quota.maximum)})
    assert client.post(f"/inclusion/panels/{panel.id}/quotas", data=data).status_code == 303
    return quotas


@needs_library
def test_draw_from_the_published_seed_is_reproducible_and_meets_quotas(
        app, client, auth, outbox, in_english):
    districts = districts_with_population()
    panel, _, _ = _staff_panel(client, auth, size=6)
    volunteers = _pool(panel, districts, 30)
    quotas = _save_proportional_quotas(client, panel)
    assert {q.feature for q in quotas} == set(draw.FEATURES)
    assert sum(q.minimum for q in quotas if q.feature == "gender") <= 6

    # The seed is published first; the draw is only possible after.
    assert client.get(f"/inclusion/panels/{panel.id}/draw").status_code == 409
    response = client.post(f"/inclusion/panels/{panel.id}/seed", data={"confirm": "yes"})
    assert response.status_code == 303
    db.session.refresh(panel)
    assert panel.status is PanelStatus.SEEDED and panel.seed > 0
    page = client.get(f"/inclusion/panels/{panel.id}").get_data(as_text=True)
    assert f'<strong id="panel-seed">{panel.seed}</strong>' in page
    pool_text = client.get(f"/inclusion/panels/{panel.id}/pool.csv").get_data(as_text=True)
    assert "@" not in pool_text and "Person" not in pool_text  # no names, no addresses

    response = client.post(f"/inclusion/panels/{panel.id}/draw", data={"confirm": "yes"})
    assert response.status_code == 303
    chosen = db.session.scalars(select(PanelVolunteer).where(
        PanelVolunteer.panel_id == panel.id, PanelVolunteer.selected)).all()
    assert len(chosen) == 6

    # Anyone re-runs the draw from what is published: pool, quotas, size and seed.
    pool = list(csv.DictReader(io.StringIO(pool_text)))
    quotas_text = client.get(f"/inclusion/panels/{panel.id}/quotas.csv").get_data(as_text=True)
    published = [draw.Quota(row["feature"], row["value"], int(row["min"]), int(row["max"]))
                 for row in csv.DictReader(io.StringIO(quotas_text))]
    again = draw.run_draw(pool, published, panel.size, panel.seed)
    assert again.selected == sorted(v.number for v in chosen)
    selected_rows = [row for row in pool if int(row["number"]) in again.selected]
    assert draw.quotas_met(selected_rows, published)
    assert all(row["met"] for row in panels.composition(panel, {d.id: d.name for d in districts}))
    # Chances as the library reports them: they add up to the panel's size.
    stored = {v.number: v.probability for v in panels.volunteers(panel)}
    assert stored == again.probabilities
    assert sum(stored.values()) == pytest.approx(6, abs=0.01)

    page = client.get(f"/inclusion/panels/{panel.id}").get_data(as_text=True)
    assert "chance of selection" in page
    members = {v.user_id for v in chosen}
    for user in volunteers:
        mails = outbox.to(user.email)
        assert bool(mails) == (user.id in members)
    first = next(u for u in volunteers if u.id in members)
    assert "Panel o spółdzielniach" in outbox.to(first.email)[0]["Subject"]


@needs_library
def test_a_different_seed_can_give_a_different_panel(app):
    pool = [{"number": str(n), "gender": g, "age_band": "30-44", "district": "1",
             "work_situation": "employed"}
            for n, g in zip(range(1, 21), itertools.cycle(["female", "male"]), strict=False)]
    quotas = [draw.Quota("gender", "female", 2, 2), draw.Quota("gender", "male", 2, 2),
              draw.Quota("age_band", "30-44", 0, 4), draw.Quota("district", "1", 0, 4),
              draw.Quota("work_situation", "employed", 0, 4)]
    results = {tuple(draw.run_draw(pool, quotas, 4, seed).selected) for seed in range(1, 8)}
    assert len(results) > 1
    for selected in results:
        rows = [row for row in pool if int(row["number"]) in selected]
        assert draw.quotas_met(rows, quotas)
    with pytest.raises(draw.DrawFailed):
        draw.run_draw(pool, [draw.Quota("gender", "female", 4, 4),
                             draw.Quota("gender", "male", 1, 1), *quotas[2:]], 4, 1)


def test_staff_are_told_when_the_library_is_missing(app, client, auth, monkeypatch,
                                                    in_english):
    monkeypatch.setattr(draw, "available", lambda: False)
    panel, _, _staff = _staff_panel(client, auth)
    page = client.get(f"/inclusion/panels/{panel.id}").get_data(as_text=True)
    assert "optional sortition-algorithms library, which is not installed" in page
    panel.status, panel.seed = PanelStatus.SEEDED, 12345
    db.session.commit()
    response = client.post(f"/inclusion/panels/{panel.id}/draw", data={"confirm": "yes"})
    assert response.status_code == 200
    assert "pip install -e &#34;.[panels]&#34;" in response.get_data(as_text=True)
    with pytest.raises(draw.DrawUnavailable):
        draw.run_draw([], [], 2, 1)


def test_volunteering_prefills_from_profile_and_closes_with_the_seed(app, client, auth):
    districts = districts_with_population()
    panel, _, _staff = _staff_panel(client, auth)
    auth.logout()
    resident = person(Gender.FEMALE, AgeBand.A65, districts[3], WorkSituation.RETIRED)
    auth.login(resident.email, PASSWORD)
    form = client.get(f"/inclusion/panels/{panel.id}/apply").get_data(as_text=True)
    assert 'selected value="65+"' in form and 'selected value="retired"' in form
    data = {"gender": "female", "age_band": "65+", "district": str(districts[3].id),
            "work_situation": "retired"}
    assert client.post(f"/inclusion/panels/{panel.id}/apply", data=data).status_code == 200
    assert client.post(f"/inclusion/panels/{panel.id}/apply",
                       data={**data, "consent": "y"}).status_code == 303
    assert panels.volunteer_of(panel, resident).number == 1
    assert client.post(f"/inclusion/panels/{panel.id}/withdraw").status_code == 303
    assert panels.volunteer_of(panel, resident) is None
    client.post(f"/inclusion/panels/{panel.id}/apply", data={**data, "consent": "y"})
    panel.status = PanelStatus.SEEDED
    db.session.commit()
    assert client.post(f"/inclusion/panels/{panel.id}/withdraw").status_code == 409
    assert client.post(f"/inclusion/panels/{panel.id}/apply",
                       data={**data, "consent": "y"}).status_code == 409
    assert panels.volunteer_of(panel, resident) is not None


def test_seed_refused_until_quotas_cover_every_answer(app, client, auth, in_english):
    districts_with_population()
    panel, _, _ = _staff_panel(client, auth)
    page = client.post(f"/inclusion/panels/{panel.id}/seed", data={"confirm": "yes"})
    assert page.status_code == 200
    assert "Set the quotas first." in page.get_data(as_text=True)
    db.session.refresh(panel)
    assert panel.status is PanelStatus.OPEN and panel.seed is None


def test_quota_form_refuses_unknown_groups_and_inverted_ranges(app, client, auth):
    panel, _, _ = _staff_panel(client, auth)
    bad = {"rows-0-feature": "religion", "rows-0-value": "x", "rows-0-minimum": "1",
           "rows-0-maximum": "2"}
    assert client.post(f"/inclusion/panels/{panel.id}/quotas", data=bad).status_code == 400
    inverted = {"rows-0-feature": "gender", "rows-0-value": "female", "rows-0-minimum": "3",
                "rows-0-maximum": "1"}
    assert client.post(f"/inclusion/panels/{panel.id}/quotas", data=inverted).status_code \
        == 200
    assert panels.quotas(panel) == []


def _drawn_panel(consultation, members, others):
    panel = Panel(title="Panel", description="", size=len(members),
                  consultation_id=consultation.id, status=PanelStatus.DRAWN, seed=7)
    db.session.add(panel)
    db.session.flush()
    member_ids = {user.id for user in members}
    for number, user in enumerate(members + others, start=1):
        db.session.add(PanelVolunteer(panel_id=panel.id, user_id=user.id, number=number,
                                      gender=Gender.FEMALE, age_band=AgeBand.A30_44,
                                      work_situation=WorkSituation.EMPLOYED,
                                      selected=user.id in member_ids, probability=0.5))
    db.session.commit()
    return panel


def test_private_space_is_for_members_and_staff_only(app, client, auth, in_english):
    consultation = make_consultation()
    member, outsider = make_user(), make_user()
    panel = _drawn_panel(consultation, [member], [outsider])
    auth.login(outsider.email, PASSWORD)
    assert client.get(f"/inclusion/panels/{panel.id}/space").status_code == 403
    assert client.post(f"/inclusion/panels/{panel.id}/space",
                       data={"body": "hej"}).status_code == 403
    auth.logout()
    auth.login(member.email, PASSWORD)
    assert client.post(f"/inclusion/panels/{panel.id}/space",
                       data={"body": "Dzień dobry panelu!"}).status_code == 303
    page = client.get(f"/inclusion/panels/{panel.id}/space").get_data(as_text=True)
    assert "Dzień dobry panelu!" in page
    auth.logout()
    auth.login_as(Role.STAFF)
    assert "Dzień dobry panelu!" in client.get(
        f"/inclusion/panels/{panel.id}/space").get_data(as_text=True)
    auth.logout()
    assert "Dzień dobry panelu!" not in client.get(
        f"/inclusion/panels/{panel.id}").get_data(as_text=True)


def test_recommendations_are_published_with_links_to_proposals(app, client, auth):
    consultation = make_consultation()
    proposal = make_proposal(consultation, title="Fotowoltaika na szkołach")
    elsewhere = make_proposal(make_consultation())
    panel = _drawn_panel(consultation, [make_user()], [])
    auth.login_as(Role.STAFF)
    form = client.get(f"/inclusion/panels/{panel.id}/recommendations/new").get_data(
        as_text=True)
    assert "Fotowoltaika na szkołach" in form and elsewhere.title not in form
    assert client.post(f"/inclusion/panels/{panel.id}/recommendations/new", data={
        "text": "Zacząć od szkół.", "proposal": str(proposal.id)}).status_code == 303
    assert client.post(f"/inclusion/panels/{panel.id}/recommendations/new", data={
        "text": "Nie tu.", "proposal": str(elsewhere.id)}).status_code == 200
    auth.logout()
    page = client.get(f"/inclusion/panels/{panel.id}").get_data(as_text=True)
    assert "Zacząć od szkół." in page and f"/proposals/{proposal.id}" in page
    assert "Nie tu." not in page


def test_account_deletion_drops_open_applications_only(app, client, auth):
    consultation = make_consultation()
    user = auth.login_as()
    open_panel = Panel(title="Otwarty", size=4, consultation_id=consultation.id)
    db.session.add(open_panel)
    db.session.commit()
    panels.apply(open_panel, user, gender=Gender.MALE, age_band=AgeBand.A18_29,
                 district_id=None, work_situation=WorkSituation.STUDENT)
    drawn = _drawn_panel(consultation, [user], [])
    client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert panels.volunteer_of(open_panel, user) is None
    assert db.session.scalar(select(PanelVolunteer).where(
        PanelVolunteer.panel_id == drawn.id)) is not None


def test_huge_page_numbers_are_clamped(app, client, auth):
    consultation = make_consultation()
    panel = _drawn_panel(consultation, [make_user()], [])
    assert client.get("/inclusion/panels?page=99999999999999999999999").status_code == 200
    auth.login_as(Role.STAFF)
    assert client.get(f"/inclusion/panels/{panel.id}/space?page=99999999999999999999999") \
        .status_code == 200
