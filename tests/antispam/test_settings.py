"""Administrators set the posting limits on the site settings page."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from app.accounts.models import Role
from app.admin.services import get_setting
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import AuditEntry

VALUES = {"proposals_per_minute": "1", "proposals_per_day": "4",
          "comments_per_minute": "0", "comments_per_day": "100",
          "reports_to_hide": "5"}  # the moderation setting on the same page


@pytest.fixture(autouse=True)
def _english(in_english):
    yield


def _stored(key: str):
    db.session.expire_all()
    g.pop("site_settings", None)
    return get_setting(key)


def test_settings_page_shows_the_limits_in_force(client, auth):
    auth.login_as(Role.ADMIN)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Posting limits" in page and "0 turns a limit off." in page
    for key, default in [("proposals_per_minute", 2), ("proposals_per_day", 10),
                         ("comments_per_minute", 5), ("comments_per_day", 50)]:
        assert f'name="{key}"' in page and f'value="{default}"' in page
    assert 'href="/admin/settings" aria-current="page"' in page


def test_administrator_changes_the_limits(client, auth):
    admin = auth.login_as(Role.ADMIN)
    response = client.post("/admin/settings", data=VALUES)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/admin/settings")
    assert {key: _stored(key) for key in VALUES} == {
        key: int(value) for key, value in VALUES.items()}
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "The settings are saved." in page and 'value="100"' in page
    # Each changed setting is in the audit log, by this administrator, and the chain holds.
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "settings.change").order_by(AuditEntry.seq)).all()
    assert {entry.details["key"]: entry.details["value"] for entry in entries} == {
        key: int(value) for key, value in VALUES.items()}
    assert {entry.actor_id for entry in entries} == {admin.id}
    assert verify_chain().ok


@pytest.mark.parametrize("value", ["", "-1", "2.5", "dużo", "100001", "٣"])
def test_bad_values_are_explained_and_nothing_is_saved(client, auth, value):
    auth.login_as(Role.ADMIN)
    response = client.post("/admin/settings", data={**VALUES, "comments_per_day": value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter a whole number from 0 to 100000." in page
    assert 'value="4"' in page  # the other values typed stay
    assert _stored("proposals_per_day") is None


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.MODERATOR, Role.STAFF])
def test_only_administrators_see_and_change_settings(client, auth, role):
    auth.login_as(role)
    assert 'href="/admin/settings"' not in client.get("/privacy").get_data(as_text=True)
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data=VALUES).status_code == 403
    assert _stored("comments_per_day") is None


def test_settings_page_in_polish(client, auth):
    auth.login_as(Role.ADMIN, locale="pl")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Ustawienia serwisu" in page and "Limity publikowania" in page
    assert "Komentarzy na minutę" in page
