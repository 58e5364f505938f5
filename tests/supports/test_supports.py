"""Supporting a proposal: the toggle with and without htmx, the rules, the threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.proposals.models import ProposalStatus
from app.supports import services
from app.supports.models import Support
from tests.supports.helpers import count, fresh, open_proposal, support_rows

HTMX = {"HX-Request": "true"}


def test_support_and_unsupport_without_javascript(client, auth):
    proposal = open_proposal()
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/proposals/{proposal.id}")
    assert support_rows(proposal) == 1
    assert fresh(proposal).support_count == 1

    response = client.post(f"/proposals/{proposal.id}/unsupport")
    assert response.status_code == 303
    assert support_rows(proposal) == 0
    assert fresh(proposal).support_count == 0


def test_support_with_htmx_returns_the_fresh_button(client, auth):
    proposal = open_proposal(threshold=5)
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<form id="support-form-{proposal.id}"')
    assert "<html" not in html
    assert 'hx-target="this"' in html and 'hx-swap="outerHTML"' in html
    assert f'hx-post="/proposals/{proposal.id}/unsupport"' in html
    assert 'aria-live="polite"' in html
    assert "1 support</strong>" in html
    assert "You support this proposal." in html
    assert "Withdraw my support" in html
    assert "HX-Request" in response.headers.get("Vary", "")

    response = client.post(f"/proposals/{proposal.id}/unsupport", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'hx-post="/proposals/{proposal.id}/support"' in html
    assert "0 supports</strong>" in html
    assert "Support this proposal" in html
    assert fresh(proposal).support_count == 0


def test_supporting_twice_counts_once(client, auth):
    proposal = open_proposal()
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 303
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 303
    assert client.post(f"/proposals/{proposal.id}/support", headers=HTMX).status_code == 200
    assert support_rows(proposal) == 1
    assert fresh(proposal).support_count == 1


def test_repeated_support_through_the_service_hits_the_constraint(app, users):
    proposal = open_proposal()
    user = users()
    assert services.support_proposal(proposal, user) is True
    assert services.support_proposal(proposal, user) is False
    assert count(Support) == 1
    assert fresh(proposal).support_count == 1


def test_unsupport_without_support_changes_nothing(client, auth):
    proposal = open_proposal()
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/unsupport").status_code == 303
    assert fresh(proposal).support_count == 0


def test_count_never_goes_below_zero(app, users):
    proposal = open_proposal()
    user = users()
    services.support_proposal(proposal, user)
    fresh(proposal).support_count = 0  # a count out of step must not go negative
    from app.extensions import db
    db.session.commit()
    assert services.withdraw_support(proposal, user) is True
    assert fresh(proposal).support_count == 0


def test_threshold_qualifies_once_and_qualification_is_kept(client, auth, users, app):
    proposal = open_proposal(threshold=3)
    supporters = [users() for _ in range(3)]
    services.support_proposal(proposal, supporters[0])
    services.support_proposal(proposal, supporters[1])
    assert fresh(proposal).qualified_at is None
    services.support_proposal(proposal, supporters[2])
    qualified_at = fresh(proposal).qualified_at
    assert qualified_at is not None

    services.withdraw_support(proposal, supporters[2])
    assert fresh(proposal).support_count == 2
    assert fresh(proposal).qualified_at == qualified_at
    services.support_proposal(proposal, supporters[2])
    assert fresh(proposal).qualified_at == qualified_at

    auth.login_as(locale="en")
    html = client.post(f"/proposals/{proposal.id}/support", headers=HTMX).get_data(as_text=True)
    assert "Qualified" in html and "4 supports</strong>" in html


def test_not_yet_qualified_says_how_many_are_missing(client, auth):
    proposal = open_proposal(threshold=3)
    auth.login_as(locale="en")
    html = client.post(f"/proposals/{proposal.id}/support", headers=HTMX).get_data(as_text=True)
    assert "2 more supports needed to reach the threshold of 3." in html
    assert "Qualified" not in html


@pytest.mark.parametrize("phase", ["proposals", "review", "deliberation"])
def test_open_phases(phase, client, auth):
    proposal = open_proposal(phase)
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 303
    assert fresh(proposal).support_count == 1


@pytest.mark.parametrize("phase", ["upcoming", "voting", "results"])
def test_closed_phases_answer_409(phase, client, auth):
    proposal = open_proposal(phase)
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Supports and pledges are closed" in html or "open when the consultation starts" in html
    assert support_rows(proposal) == 0 and fresh(proposal).support_count == 0


@pytest.mark.parametrize("status", [ProposalStatus.REJECTED, ProposalStatus.SELECTED,
                                    ProposalStatus.IN_IMPLEMENTATION, ProposalStatus.DONE,
                                    ProposalStatus.WITHDRAWN])
def test_closed_statuses_answer_409(status, client, auth):
    proposal = open_proposal(status=status)
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 409
    assert status.label in response.get_data(as_text=True)
    assert support_rows(proposal) == 0


def test_accepted_proposal_can_be_supported(client, auth):
    proposal = open_proposal("deliberation", status=ProposalStatus.ACCEPTED)
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 303


def test_draft_is_not_found(client, auth):
    proposal = open_proposal(status=ProposalStatus.DRAFT)
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 404
    assert client.post("/proposals/999999/support").status_code == 404


def test_phase_follows_today(client, auth, monkeypatch):
    proposal = open_proposal("deliberation")
    auth.login_as()
    later = proposal.consultation.voting_from
    monkeypatch.setattr(clock, "today", lambda: later)
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 409
    monkeypatch.setattr(clock, "today", lambda: later - timedelta(days=1))
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 303


def test_unsupport_is_closed_too_and_keeps_the_support(client, auth, monkeypatch):
    proposal = open_proposal()
    auth.login_as()
    client.post(f"/proposals/{proposal.id}/support")
    results = proposal.consultation.results_from
    monkeypatch.setattr(clock, "today", lambda: results)
    assert client.post(f"/proposals/{proposal.id}/unsupport").status_code == 409
    assert support_rows(proposal) == 1


def test_closed_with_htmx_returns_the_fragment_with_the_reason(client, auth):
    proposal = open_proposal("voting")
    auth.login_as(locale="en")
    response = client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "closed in this phase of the consultation: Voting" in html
    assert "<button" not in html
    assert support_rows(proposal) == 0


def test_anonymous_is_sent_to_log_in(client):
    proposal = open_proposal()
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert client.post(f"/proposals/{proposal.id}/support", headers=HTMX).status_code == 403
    assert support_rows(proposal) == 0


def test_unconfirmed_user_cannot_support(client, auth):
    proposal = open_proposal()
    auth.login_as(confirmed=False)
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 302
    assert client.post(f"/proposals/{proposal.id}/support", headers=HTMX).status_code == 403
    assert support_rows(proposal) == 0


def test_support_needs_the_csrf_token(client, auth):
    proposal = open_proposal()
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/support", data={}, csrf=False).status_code == 400
    assert support_rows(proposal) == 0


def test_proposal_page_shows_the_panel_and_the_result_of_supporting(client, auth):
    proposal = open_proposal()
    auth.login_as(locale="en")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'id="support-panel"' in page and "Support this proposal" in page
    response = client.post(f"/proposals/{proposal.id}/support", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you: your support is counted." in html
    assert "1 support</strong>" in html and "Withdraw my support" in html
    assert html.count("<h1") == 1


def test_anonymous_visitor_sees_counts_and_a_login_link(client):
    proposal = open_proposal()
    client.post("/language", data={"locale": "en"})
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "0 supports</strong>" in html
    assert f"/account/login?next=/proposals/{proposal.id}" in html
    assert "Log in to support this proposal" in html
