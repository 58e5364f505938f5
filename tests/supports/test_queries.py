"""The panel loads in a constant number of queries, however many pledges there are."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from app.extensions import db
from app.supports import services
from app.supports.models import Pledge, PledgeRole
from tests.supports.helpers import open_proposal, organisation, pledge

ROLES = list(PledgeRole)


def _add_pledges(proposal, users, number: int) -> None:
    people = [users() for _ in range(number)]
    db.session.add_all(
        Pledge(proposal_id=proposal.id, user_id=person.id, pledger=f"user:{person.id}",
               role=ROLES[i % len(ROLES)])
        for i, person in enumerate(people))
    db.session.commit()
    representative = people[0]
    for i in range(max(1, number // 10)):
        pledge(proposal, representative, ROLES[i % len(ROLES)],
               organisation=organisation(f"Organizacja {proposal.id}-{i}",
                                         representative=representative))


def _queries(count_queries, proposal, user) -> tuple[int, dict]:
    db.session.expire_all()
    with count_queries() as counter:
        data = services.panel_data(proposal, user)
    return counter["count"], data


def test_panel_data_query_count_is_constant(app, users, count_queries):
    small, large = open_proposal(), open_proposal()
    _add_pledges(small, users, 5)
    _add_pledges(large, users, 200)
    viewer = users()
    representative = users()
    for proposal in (small, large):
        ngo = organisation(f"Moja {proposal.id}", representative=representative)
        pledge(proposal, representative, organisation=ngo)
        pledge(proposal, representative, PledgeRole.WORKER)
        pledge(proposal, viewer, PledgeRole.VOLUNTEER)

    for user in (viewer, representative, AnonymousUserMixin()):
        few, few_data = _queries(count_queries, small, user)
        many, many_data = _queries(count_queries, large, user)
        assert few == many, (user, few, many)
        assert many <= 8  # user and proposal reloads, then at most six panel queries
    assert many_data["founding"].natural_persons + many_data["founding"].legal_persons > 60
    assert len(few_data["organisations"]) == 2


def test_panel_page_query_count_is_constant(client, auth, users, count_queries):
    small, large = open_proposal(), open_proposal()
    _add_pledges(small, users, 5)
    _add_pledges(large, users, 200)
    auth.login_as()
    counts = []
    for proposal in (small, large):
        with count_queries() as counter:
            response = client.post(f"/proposals/{proposal.id}/pledges",
                                   headers={"HX-Request": "true"}, data={})
        assert response.status_code == 200
        counts.append(counter["count"])
    assert counts[0] == counts[1]
