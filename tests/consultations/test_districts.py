"""Districts: staff add, rename and delete them (only while no proposal is placed in one)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.consultations.models import District
from app.extensions import db
from tests.factories import make_consultation, make_district, make_proposal
from tests.moderation.helpers import audit_actions, audit_entries, last_entry


def _names() -> list[str]:
    return sorted(db.session.scalars(select(District.name)))


@pytest.fixture
def staff(auth):
    return auth.login_as(Role.STAFF)


def test_empty_list(client, staff):
    page = client.get("/consultations/districts").get_data(as_text=True)
    assert "No districts yet." in page


def test_add_a_district_with_the_name_trimmed(client, staff):
    response = client.post("/consultations/districts", data={"name": "  Stare   Miasto "})
    assert response.status_code == 303
    assert response.headers["Location"] == "/consultations/districts"
    assert _names() == ["Stare Miasto"]
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.details) == (
        "district.create", staff.id, {"name": "Stare Miasto"})
    page = client.get("/consultations/districts").get_data(as_text=True)
    assert "Stare Miasto" in page


@pytest.mark.parametrize(("name", "message"), [
    ("", "Enter the name of the district."),
    ("   ", "Enter the name of the district."),
    ("x" * 121, "at most 120 characters"),
    ("śródmieście", "A district with this name already exists."),
    (" Śródmieście ", "A district with this name already exists."),
])
def test_bad_names_are_refused(client, staff, name, message):
    make_district("Śródmieście")
    response = client.post("/consultations/districts", data={"name": name})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _names() == ["Śródmieście"]
    assert audit_actions() == []


def test_rename_a_district(client, staff):
    district = make_district("Kolejowa")
    make_district("Nadrzecze")
    page = client.get(f"/consultations/districts/{district.id}/edit").get_data(as_text=True)
    assert 'value="Kolejowa"' in page
    taken = client.post(f"/consultations/districts/{district.id}/edit",
                        data={"name": "NADRZECZE"})
    assert taken.status_code == 200
    assert "A district with this name already exists." in taken.get_data(as_text=True)
    same = client.post(f"/consultations/districts/{district.id}/edit", data={"name": "KOLEJOWA"})
    assert same.status_code == 303
    assert _names() == ["KOLEJOWA", "Nadrzecze"]
    assert [(e.action, e.target_id, e.details) for e in audit_entries()] == [
        ("district.rename", district.id, {"from": "Kolejowa", "to": "KOLEJOWA"})]
    unchanged = client.post(f"/consultations/districts/{district.id}/edit",
                            data={"name": " KOLEJOWA "})
    assert unchanged.status_code == 303
    assert audit_actions() == ["district.rename"], "the same name again is not a change"
    empty = client.post(f"/consultations/districts/{district.id}/edit", data={})
    assert empty.status_code == 200
    assert _names() == ["KOLEJOWA", "Nadrzecze"]


def test_delete_asks_for_confirmation_first(client, staff):
    url = f"/consultations/districts/{make_district('Hutnicze').id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Delete the district" in page and 'name="confirm" value="yes"' in page
    unconfirmed = client.post(url, data={})
    assert unconfirmed.status_code == 200
    assert _names() == ["Hutnicze"]
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303
    assert _names() == []
    entry = last_entry()
    assert (entry.action, entry.details) == ("district.delete", {"name": "Hutnicze"})
    assert client.get(url).status_code == 404


def test_a_district_in_use_cannot_be_deleted(client, staff, users):
    district = make_district("Zielone Wzgórza")
    make_proposal(make_consultation(), users(), district_id=district.id)
    listing = client.get("/consultations/districts").get_data(as_text=True)
    assert f"/consultations/districts/{district.id}/delete" not in listing
    page = client.get(f"/consultations/districts/{district.id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in page and 'name="confirm"' not in page
    response = client.post(f"/consultations/districts/{district.id}/delete",
                           data={"confirm": "yes"})
    assert response.status_code == 303
    assert _names() == ["Zielone Wzgórza"]
    assert audit_actions() == []
    after = client.get("/consultations/districts").get_data(as_text=True)
    assert "proposals are placed in it" in after


def test_list_query_count_does_not_grow(client, staff, users, count_queries):
    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/consultations/districts").status_code == 200
        return counter["count"]

    consultation = make_consultation()
    author = users()
    make_district()
    few = measure()
    for _ in range(20):
        make_proposal(consultation, author, district_id=make_district().id)
    assert measure() == few


def test_residents_get_403(client, auth):
    district = make_district("Kolejowa")
    auth.login_as(Role.RESIDENT)
    assert client.get("/consultations/districts").status_code == 403
    assert client.post("/consultations/districts", data={"name": "Nowa"}).status_code == 403
    assert client.post(f"/consultations/districts/{district.id}/edit",
                       data={"name": "Inna"}).status_code == 403
    assert client.post(f"/consultations/districts/{district.id}/delete",
                       data={"confirm": "yes"}).status_code == 403
    assert _names() == ["Kolejowa"]
    assert db.session.scalar(select(func.count()).select_from(District)) == 1
