"""The supports rows of the authorisation table, walked on their own.

tests/test_authorisation.py walks every route of the app; this runs the same check for the
supports routes only, so that a failure elsewhere does not hide one here.
"""

from __future__ import annotations

import pytest

from tests.access import ANONYMOUS, ROLE_OF, ROLES, UNCONFIRMED, build_url, routes, url_values
from tests.supports.access import TABLE


@pytest.mark.parametrize("visitor", ROLES)
def test_supports_routes_for(visitor, app, client, auth, users):
    if visitor != ANONYMOUS:
        auth.login_as(ROLE_OF[visitor], confirmed=visitor != UNCONFIRMED)
    values = url_values(users)
    with app.test_request_context():
        urls = [(rule.endpoint, method, build_url(rule, values)) for rule, method in routes(app)
                if rule.endpoint.startswith("supports.")]
    assert {(endpoint, method) for endpoint, method, _url in urls} == set(TABLE)
    wrong = []
    for endpoint, method, url in urls:
        response = client.open(url, method=method, data={})
        expected = TABLE[(endpoint, method)][visitor]
        if response.status_code != expected:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)
