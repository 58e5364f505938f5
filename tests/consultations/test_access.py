"""This feature's rows of the authorisation table, walked on their own."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.access import ANONYMOUS, ROLE_OF, ROLES, UNCONFIRMED, build_url, routes
from tests.consultations.access import TABLE
from tests.factories import (
    make_consultation,
    make_district,
    make_goal,
    make_indicator,
    make_proposal,
)


def _values(users) -> dict:
    author = users(Role.RESIDENT)
    consultation = make_consultation("proposals")
    goal = make_goal()
    make_proposal(consultation, author, goals=[goal])
    return {"consultation_id": consultation.id, "goal_id": goal.id, "code": goal.code,
            "indicator_id": make_indicator(goal).id, "district_id": make_district().id}


def test_every_route_of_the_feature_is_in_the_table(app):
    ours = {(rule.endpoint, method) for rule, method in routes(app)
            if rule.endpoint.startswith("consultations.")}
    assert ours == set(TABLE)


@pytest.mark.parametrize("visitor", ROLES)
def test_statuses_for(visitor, app, client, auth, users):
    if visitor != ANONYMOUS:
        auth.login_as(ROLE_OF[visitor], confirmed=visitor != UNCONFIRMED)
    values = _values(users)
    with app.test_request_context():
        urls = [(rule.endpoint, method, build_url(rule, values)) for rule, method in routes(app)
                if rule.endpoint.startswith("consultations.")]
    wrong = []
    for endpoint, method, url in urls:
        response = client.open(url, method=method, data={} if method == "POST" else None)
        expected = TABLE[(endpoint, method)][visitor]
        if response.status_code != expected:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)
