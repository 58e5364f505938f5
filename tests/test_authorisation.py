"""The authorisation table: every route by every kind of visitor has an expected status."""

from __future__ import annotations

import pytest

from tests.access import (
    ANONYMOUS,
    ROLE_OF,
    ROLES,
    TABLE,
    UNCONFIRMED,
    build_url,
    routes,
    url_values,
)


def test_every_route_is_in_the_table(app):
    missing = [(rule.endpoint, method) for rule, method in routes(app)
               if (rule.endpoint, method) not in TABLE]
    assert not missing, f"add these routes to tests/access.py TABLE: {missing}"
    stale = set(TABLE) - {(rule.endpoint, method) for rule, method in routes(app)}
    assert not stale, f"routes in the table that no longer exist: {stale}"


@pytest.mark.parametrize("visitor", ROLES)
def test_route_statuses_for(visitor, app, client, auth, users):
    if visitor != ANONYMOUS:
        auth.login_as(ROLE_OF[visitor], confirmed=visitor != UNCONFIRMED)
    values = url_values(users)
    wrong = []
    with app.test_request_context():
        urls = [(rule.endpoint, method, build_url(rule, values)) for rule, method in routes(app)]
    for endpoint, method, url in urls:
        if endpoint == "accounts.logout":
            continue  # checked last: it would end the login for the rest of the walk
        response = client.open(url, method=method, data={} if method == "POST" else None)
        expected = TABLE[(endpoint, method)][visitor]
        if response.status_code != expected:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected}")
    response = client.post("/account/logout", data={})
    if response.status_code != TABLE[("accounts.logout", "POST")][visitor]:
        wrong.append(f"POST /account/logout: {response.status_code}")
    assert not wrong, "\n".join(wrong)
