"""CSRF on every state-changing route, and no GET that changes state."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from tests.access import build_url, routes, url_values


def snapshot() -> dict[str, list]:
    """Every row of every table, to prove a request changed nothing."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        state[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return state


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_post_route_refuses_a_missing_or_wrong_token(signed_in, app, client, auth, users):
    if signed_in:
        auth.login_as(Role.ADMIN)
    values = url_values(users)
    with app.test_request_context():
        posts = [build_url(rule, values) for rule, method in routes(app) if method == "POST"]
    assert posts
    before = snapshot()
    for url in posts:
        missing = client.post(url, data={"email": "x@example.org"}, csrf=False)
        assert missing.status_code == 400, url
        forged = client.post(url, data={"csrf_token": "forged"}, csrf=False)
        assert forged.status_code == 400, url
        wrong_header = client.post(url, headers={"X-CSRFToken": "forged"}, csrf=False)
        assert wrong_header.status_code == 400, url
    assert snapshot() == before


def test_htmx_token_header_is_accepted(client):
    token = client.csrf_token()
    response = client.post("/language", data={"locale": "en"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"}, csrf=False)
    assert response.status_code == 303


def test_page_carries_the_token_for_htmx(client):
    body = client.get("/").get_data(as_text=True)
    assert "hx-headers='{\"X-CSRFToken\": \"" in body


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_get_changes_state(signed_in, app, client, auth, users):
    if signed_in:
        auth.login_as(Role.ADMIN)
    values = url_values(users)
    with app.test_request_context():
        gets = [build_url(rule, values) for rule, method in routes(app) if method == "GET"]
    before = snapshot()
    for url in gets:
        assert client.get(url).status_code < 500, url
    assert snapshot() == before
