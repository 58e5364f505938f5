"""Pledges to join a proposal's cooperative, the founding group and the panel."""

from __future__ import annotations

import pytest
from flask import render_template
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.extensions import db
from app.organisations.models import Representation, RepresentationStatus
from app.supports import services
from app.supports.models import Pledge, PledgeRole
from tests.supports.helpers import count, open_proposal, organisation, pledge

HTMX = {"HX-Request": "true"}


def _pledges() -> list[Pledge]:
    return list(db.session.scalars(select(Pledge).order_by(Pledge.id)))


def test_pledge_as_oneself(client, auth):
    proposal = open_proposal()
    user = auth.login_as()
    response = client.post(f"/proposals/{proposal.id}/pledges",
                           data={"role": "member", "on_behalf": "self"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/proposals/{proposal.id}")
    [row] = _pledges()
    assert (row.pledger, row.user_id, row.organisation_id, row.role) == (
        f"user:{user.id}", user.id, None, PledgeRole.MEMBER)


def test_second_pledge_changes_the_role(client, auth):
    proposal = open_proposal()
    auth.login_as()
    client.post(f"/proposals/{proposal.id}/pledges", data={"role": "member", "on_behalf": "self"})
    client.post(f"/proposals/{proposal.id}/pledges", data={"role": "worker", "on_behalf": "self"})
    [row] = _pledges()
    assert row.role is PledgeRole.WORKER


def test_pledge_for_an_organisation_one_represents(client, auth):
    proposal = open_proposal()
    user = auth.login_as(locale="en")
    ngo = organisation("Spółdzielnia Socjalna Razem", representative=user)
    page = client.post(f"/proposals/{proposal.id}/pledges", headers=HTMX,
                       data={"role": "member", "on_behalf": str(ngo.id)})
    assert page.status_code == 200
    [row] = _pledges()
    assert (row.pledger, row.organisation_id, row.user_id) == (
        f"organisation:{ngo.id}", ngo.id, user.id)
    html = page.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="support-panel"')
    assert "Spółdzielnia Socjalna Razem" in html
    assert "1 of 3 legal persons" in html
    assert "Your pledge is recorded." in html
    # As oneself too: the person and the organisation are different pledgers.
    client.post(f"/proposals/{proposal.id}/pledges", data={"role": "member", "on_behalf": "self"})
    assert count(Pledge) == 2


@pytest.mark.parametrize("status", [RepresentationStatus.PENDING, RepresentationStatus.REJECTED,
                                    None])
def test_pledge_for_an_organisation_one_does_not_represent_is_refused(status, client, auth):
    proposal = open_proposal()
    user = auth.login_as()
    ngo = organisation(representative=user if status else None,
                       status=status or RepresentationStatus.APPROVED)
    response = client.post(f"/proposals/{proposal.id}/pledges",
                           data={"role": "member", "on_behalf": str(ngo.id)})
    assert response.status_code == 403
    assert count(Pledge) == 0


def test_another_representative_updates_the_organisation_pledge(client, auth, users):
    proposal = open_proposal()
    first = users()
    ngo = organisation(representative=first)
    pledge(proposal, first, PledgeRole.VOLUNTEER, organisation=ngo)
    second = auth.login_as()
    db.session.add(Representation(organisation_id=ngo.id, user_id=second.id,
                                  role_in_organisation="skarbnik",
                                  status=RepresentationStatus.APPROVED))
    db.session.commit()
    client.post(f"/proposals/{proposal.id}/pledges",
                data={"role": "member", "on_behalf": str(ngo.id)})
    [row] = [p for p in _pledges() if p.organisation_id == ngo.id]
    assert row.role is PledgeRole.MEMBER and row.user_id == second.id


@pytest.mark.parametrize("data", [
    {},
    {"role": "", "on_behalf": "self"},
    {"role": "president", "on_behalf": "self"},
    {"role": "member", "on_behalf": ""},
    {"role": "member", "on_behalf": "somebody"},
    {"role": "member", "on_behalf": "²"},
])
def test_bad_pledge_form_shows_errors_and_changes_nothing(data, client, auth):
    proposal = open_proposal()
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/pledges", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Please correct the following" in html
    assert 'aria-invalid="true"' in html
    assert html.count("<h1") == 1
    assert count(Pledge) == 0


def test_bad_pledge_form_with_htmx_returns_the_panel_with_errors(client, auth):
    proposal = open_proposal()
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/pledges", headers=HTMX,
                           data={"role": "boss", "on_behalf": "self"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="support-panel"')
    assert "Choose member, worker or volunteer." in html
    assert count(Pledge) == 0


def test_withdraw_own_pledge(client, auth):
    proposal = open_proposal()
    auth.login_as(locale="en")
    client.post(f"/proposals/{proposal.id}/pledges", data={"role": "member", "on_behalf": "self"})
    [row] = _pledges()
    response = client.post(f"/proposals/{proposal.id}/pledges/{row.id}/withdraw")
    assert response.status_code == 303
    assert count(Pledge) == 0


def test_withdraw_with_htmx_returns_the_panel(client, auth):
    proposal = open_proposal()
    user = auth.login_as(locale="en")
    row = pledge(proposal, user)
    response = client.post(f"/proposals/{proposal.id}/pledges/{row.id}/withdraw", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Your pledge is withdrawn." in html and "0 of 10 natural persons" in html
    assert count(Pledge) == 0


def test_only_the_maker_withdraws_a_pledge(client, auth, users):
    proposal = open_proposal()
    other = users()
    row = pledge(proposal, other)
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/pledges/{row.id}/withdraw").status_code == 403
    assert count(Pledge) == 1


def test_withdraw_checks_the_proposal(client, auth):
    proposal, elsewhere = open_proposal(), open_proposal()
    user = auth.login_as()
    row = pledge(proposal, user)
    url = f"/proposals/{elsewhere.id}/pledges/{row.id}/withdraw"
    assert client.post(url).status_code == 404
    assert client.post(f"/proposals/{proposal.id}/pledges/999999/withdraw").status_code == 404
    assert count(Pledge) == 1


@pytest.mark.parametrize("phase", ["upcoming", "voting", "results"])
def test_pledges_follow_the_phase_rule(phase, client, auth, users):
    proposal = open_proposal(phase)
    user = auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/pledges",
                           data={"role": "member", "on_behalf": "self"})
    assert response.status_code == 409
    row = pledge(proposal, user)
    assert client.post(f"/proposals/{proposal.id}/pledges/{row.id}/withdraw").status_code == 409
    assert count(Pledge) == 1
    fragment = client.post(f"/proposals/{proposal.id}/pledges", headers=HTMX,
                           data={"role": "member", "on_behalf": "self"})
    assert fragment.status_code == 200 and "pledge-form" not in fragment.get_data(as_text=True)


def test_anonymous_and_unconfirmed_cannot_pledge(client, auth):
    proposal = open_proposal()
    data = {"role": "member", "on_behalf": "self"}
    assert client.post(f"/proposals/{proposal.id}/pledges", data=data).status_code == 302
    auth.login_as(confirmed=False)
    assert client.post(f"/proposals/{proposal.id}/pledges", data=data).status_code == 302
    assert count(Pledge) == 0


# --- the founding group ------------------------------------------------------------------------

def test_founding_group_counts_members_by_kind(app, users):
    proposal = open_proposal()
    people = [users() for _ in range(9)]
    for person in people[:7]:
        pledge(proposal, person, PledgeRole.MEMBER)
    pledge(proposal, people[7], PledgeRole.WORKER)
    pledge(proposal, people[8], PledgeRole.VOLUNTEER)
    ngo = organisation("Fundacja A", representative=people[0])
    pledge(proposal, people[0], PledgeRole.MEMBER, organisation=ngo)
    group, legal_total = services.founding_group(proposal)
    assert (group.natural_persons, group.legal_persons) == (7, 1)
    assert (group.workers, group.volunteers) == (1, 1)
    assert legal_total == 1
    assert not group.minimum_met
    assert group.hybrid


def test_founding_group_minimums(app, users):
    proposal = open_proposal()
    for _ in range(10):
        pledge(proposal, users(), PledgeRole.MEMBER)
    group, _legal = services.founding_group(proposal)
    assert group.minimum_met and not group.hybrid

    other = open_proposal()
    representative = users()
    for name in ("A", "B", "C"):
        pledge(other, representative, organisation=organisation(name,
                                                                 representative=representative))
    group, _legal = services.founding_group(other)
    assert (group.natural_persons, group.legal_persons) == (0, 3)
    assert group.minimum_met and not group.hybrid


def test_organisations_volunteering_do_not_count_as_legal_members(app, users):
    proposal = open_proposal()
    user = users()
    pledge(proposal, user, PledgeRole.VOLUNTEER, organisation=organisation(representative=user))
    group, legal_total = services.founding_group(proposal)
    assert group.legal_persons == 0 and group.volunteers == 1 and legal_total == 1


def test_panel_shows_counts_progress_and_organisations_but_no_names(client, auth, users):
    proposal = open_proposal()
    named = []
    for number in range(7):
        person = users(name=f"Osoba Prywatna {number}")
        named.append(person.display_name)
        pledge(proposal, person)
    ngo = organisation("Ciepłownia Miejska", representative=users())
    pledge(proposal, users(), organisation=ngo)
    user = auth.login_as(locale="en")
    pledge(proposal, user, PledgeRole.WORKER)
    html = client.post(f"/proposals/{proposal.id}/pledges", headers=HTMX,
                       data={"role": "worker", "on_behalf": "self"}).get_data(as_text=True)
    assert "7 of 10 natural persons" in html
    assert "1 of 3 legal persons" in html
    assert f'<label for="founding-natural-{proposal.id}">' in html
    assert f'<progress id="founding-natural-{proposal.id}" max="10" value="7">' in html
    assert "not met yet" in html
    assert "hybrid cooperative" in html
    assert "Ciepłownia Miejska" in html
    assert not any(name in html for name in named)
    assert "As yourself: Worker" in html
    assert f"/proposals/{proposal.id}/pledges/" in html  # the withdraw button


def test_panel_for_anonymous_visitors_links_to_log_in(app, client):
    proposal = open_proposal()
    with app.test_request_context(f"/proposals/{proposal.id}"):
        html = render_template("supports/_panel.html", proposal=proposal)
    assert "/account/login?next=/proposals/" in html
    assert "pledge-form" not in html and "<button" not in html
    assert "0 of 10 natural persons" in html or "natural persons" in html


def test_panel_data_for_anonymous(app):
    proposal = open_proposal()
    data = services.panel_data(proposal, AnonymousUserMixin())
    assert data["signed_in"] is False and data["can_act"] is False
    assert data["supported"] is False and data["own_pledges"] == []
    assert data["closed"] is None
    assert data["founding"].natural_persons == 0


def test_panel_offers_only_represented_organisations(client, auth, users):
    proposal = open_proposal()
    user = auth.login_as(locale="en")
    organisation("Reprezentowana", representative=user)
    organisation("Oczekująca", representative=user, status=RepresentationStatus.PENDING)
    organisation("Obca", representative=users())
    html = client.post(f"/proposals/{proposal.id}/pledges", headers=HTMX,
                       data={}).get_data(as_text=True)
    assert "Reprezentowana" in html
    assert "Oczekująca" not in html and "Obca" not in html
    assert 'id="pledge-on-behalf"' in html


def test_export_and_forgetting_for_account_deletion(app, users):
    proposal = open_proposal()
    user = users()
    ngo = organisation("Fundacja Eksport", representative=user)
    services.support_proposal(proposal, user)
    pledge(proposal, user, PledgeRole.WORKER)
    pledge(proposal, user, organisation=ngo)
    exported = services.supports_for_export(user)
    assert [s["proposal_id"] for s in exported["supports"]] == [proposal.id]
    assert sorted((p["role"], p["on_behalf_of"] or "") for p in exported["pledges"]) == [
        ("member", "Fundacja Eksport"), ("worker", "")]
    services.forget_pledges(user)
    db.session.commit()
    assert [p.organisation_id for p in _pledges()] == [ngo.id]
