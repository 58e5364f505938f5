"""Administrators assign roles."""

from __future__ import annotations

from app.accounts.models import Role, User
from app.extensions import db
from tests.moderation.helpers import audit_actions, last_entry


def test_admin_assigns_a_role_after_confirming(client, auth, users):
    admin = auth.login_as(Role.ADMIN)
    person = users()
    page = client.get(f"/admin/users/{person.id}")
    assert page.status_code == 200
    unconfirmed = client.post(f"/admin/users/{person.id}", data={"role": "moderator"})
    assert unconfirmed.status_code == 200
    assert db.session.get(User, person.id).role is Role.RESIDENT
    assert audit_actions() == []
    response = client.post(f"/admin/users/{person.id}", data={"role": "moderator", "confirm": "y"})
    assert response.status_code == 303
    assert db.session.get(User, person.id).role is Role.MODERATOR
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.actor_role, entry.target_id) == (
        "user.role", admin.id, "admin", person.id)
    assert entry.details == {"from": "resident", "to": "moderator"}
    assert person.email not in str(entry.details)
    again = client.post(f"/admin/users/{person.id}", data={"role": "moderator", "confirm": "y"})
    assert again.status_code == 303
    assert audit_actions() == ["user.role"], "giving the same role again changes nothing"


def test_unknown_role_is_refused(client, auth, users):
    auth.login_as(Role.ADMIN)
    person = users()
    response = client.post(f"/admin/users/{person.id}", data={"role": "emperor", "confirm": "y"})
    assert response.status_code == 200
    assert db.session.get(User, person.id).role is Role.RESIDENT


def test_last_admin_cannot_be_demoted(client, auth):
    admin = auth.login_as(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data={"role": "resident", "confirm": "y"})
    assert response.status_code == 200
    assert db.session.get(User, admin.id).role is Role.ADMIN
    assert audit_actions() == []


def test_an_admin_can_step_down_when_another_remains(client, auth, users):
    admin = auth.login_as(Role.ADMIN)
    users(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}", data={"role": "staff", "confirm": "y"})
    assert response.status_code == 303
    assert db.session.get(User, admin.id).role is Role.STAFF
    assert client.get("/admin/users").status_code == 403


def test_user_list_search_filter_pagination_and_htmx(client, auth, users):
    auth.login_as(Role.ADMIN)
    for number in range(30):
        users(name=f"Mieszkaniec {number:02d}")
    users(Role.STAFF, name="Urzędniczka Ewa")
    body = client.get("/admin/users?q=urzędniczka").get_data(as_text=True)
    assert "Urzędniczka Ewa" in body and "Mieszkaniec 01" not in body
    body = client.get("/admin/users?role=staff").get_data(as_text=True)
    assert "Urzędniczka Ewa" in body and "Mieszkaniec 0" not in body
    assert 'rel="next"' in client.get("/admin/users").get_data(as_text=True)
    fragment = client.get("/admin/users?q=ewa", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Urzędniczka Ewa" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = client.get("/admin/users", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_deleted_user_has_no_role_page(client, auth, users):
    from app.db_types import utcnow

    auth.login_as(Role.ADMIN)
    gone = users(deleted_at=utcnow())
    assert client.get(f"/admin/users/{gone.id}").status_code == 404
