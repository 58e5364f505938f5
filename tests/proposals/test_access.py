"""The proposals' rows of the authorisation table, walked on their own.

tests/test_authorisation.py walks every route of the app; this walk covers just these routes,
so a failure points here.
"""

from __future__ import annotations

import pytest
from flask import url_for

from app.accounts.models import Role
from tests.access import ANONYMOUS, ROLE_OF, ROLES, UNCONFIRMED
from tests.factories import make_consultation, make_goal, make_proposal
from tests.proposals.access import TABLE

WITHOUT_ID = {"proposals.index", "proposals.mine", "proposals.new"}


@pytest.mark.parametrize("visitor", ROLES)
def test_proposal_routes_for(visitor, app, client, auth, users):
    if visitor != ANONYMOUS:
        auth.login_as(ROLE_OF[visitor], confirmed=visitor != UNCONFIRMED)
    other = users(Role.RESIDENT)
    proposal = make_proposal(make_consultation("proposals"), other, goals=[make_goal()])
    wrong = []
    for (endpoint, method), expected in TABLE.items():
        with app.test_request_context():
            url = (url_for(endpoint) if endpoint in WITHOUT_ID
                   else url_for(endpoint, proposal_id=proposal.id))
        response = client.open(url, method=method, data={} if method == "POST" else None)
        if response.status_code != expected[visitor]:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected[visitor]}")
    assert not wrong, "\n".join(wrong)
