"""Staff updates with a confirmation step; the public sections and the implementation page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.implementation.models import (
    CooperativeStage,
    ImplementationStatus,
    ImplementationUpdate,
    ProjectImplementation,
)
from app.notifications.models import Notification
from app.proposals.models import Proposal, ProposalStatus
from tests.factories import make_consultation, make_goal, make_proposal
from tests.implementation.helpers import funded
from tests.moderation.helpers import audit_entries

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


def _form(**overrides) -> dict:
    values = {"update_date": "2026-11-18", "status": "in_progress", "progress": "35",
              "cooperative_stage": "statute",
              "text": "Umowa **podpisana**.<script>alert(1)</script>"}
    values.update(overrides)
    return values


def _updates() -> list[ImplementationUpdate]:
    db.session.expire_all()
    return list(db.session.scalars(select(ImplementationUpdate)))


def test_staff_update_is_confirmed_then_published(client, auth, users, in_english):
    author = users()
    proposal = funded(make_consultation("results"), cost="100000", author=author)
    staff = auth.login_as(Role.STAFF)
    url = f"/proposals/{proposal.id}/implementation/update"
    assert client.get(url).status_code == 200

    confirm = client.post(url, data=_form())
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Confirm the update" in page
    assert "<strong>podpisana</strong>" in page and "<script>" not in page
    assert _updates() == []  # nothing saved before the confirmation

    back = client.post(url, data=_form(confirmed="back"))
    assert back.status_code == 200 and "Check the update" in back.get_data(as_text=True)
    assert _updates() == []

    done = client.post(url, data=_form(confirmed="yes"))
    assert done.status_code == 303
    assert done.location.endswith(f"/proposals/{proposal.id}#implementation")
    [update] = _updates()
    assert (update.update_date, update.status, update.progress, update.cooperative_stage) == (
        date(2026, 11, 18), ImplementationStatus.IN_PROGRESS, 35, CooperativeStage.STATUTE)
    assert update.author_id == staff.id and "<script>" not in update.text_html
    state = db.session.get(ProjectImplementation, proposal.id)
    assert (state.status, state.progress) == (ImplementationStatus.IN_PROGRESS, 35)
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.IN_IMPLEMENTATION
    [entry] = audit_entries("implementation.update")
    assert entry.target_id == proposal.id and entry.details["to"] == {
        "status": "in_progress", "progress": 35}
    # The author hears of the status change through the notifications.
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == author.id, Notification.proposal_id == proposal.id))

    shown = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'id="implementation"' in shown and "<strong>podpisana</strong>" in shown
    assert 'aria-current="step"' in shown and "Statute" in shown


@pytest.mark.parametrize(("overrides", "message"), [
    ({"status": "done", "progress": "50"}, "A done project is at 100 percent."),
    ({"progress": "101"}, "Progress is 0 to 100 percent."),
    ({"update_date": "2026-11-21"}, "The date cannot be in the future."),
    ({"text": "  "}, "Describe what happened."),
    ({"status": "finished"}, "Not a valid choice"),
])
def test_invalid_updates_are_refused(client, auth, in_english, overrides, message):
    proposal = funded(make_consultation("results"), cost="100000")
    auth.login_as(Role.STAFF)
    response = client.post(f"/proposals/{proposal.id}/implementation/update",
                           data=_form(confirmed="yes", **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _updates() == []


def test_done_moves_the_proposal_to_done(client, auth):
    proposal = funded(make_consultation("results"), cost="100000")
    auth.login_as(Role.STAFF)
    response = client.post(f"/proposals/{proposal.id}/implementation/update",
                           data=_form(status="done", progress="100", cooperative_stage="",
                                      confirmed="yes"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.DONE
    assert db.session.get(ProjectImplementation, proposal.id).cooperative_stage is None


def test_unfunded_proposals_take_no_updates(client, auth, in_english):
    proposal = make_proposal(make_consultation("results"), status=ProposalStatus.ACCEPTED)
    auth.login_as(Role.STAFF)
    url = f"/proposals/{proposal.id}/implementation/update"
    assert "Not a funded project" in client.get(url).get_data(as_text=True)
    assert client.post(url, data=_form(confirmed="yes")).status_code == 409
    assert _updates() == []
    assert 'id="implementation"' not in client.get(f"/proposals/{proposal.id}").get_data(
        as_text=True)


def test_residents_cannot_report(client, auth):
    proposal = funded(make_consultation("results"), cost="100000")
    auth.login_as(Role.RESIDENT)
    url = f"/proposals/{proposal.id}/implementation/update"
    assert client.post(url, data=_form(confirmed="yes")).status_code == 403
    assert _updates() == []


def test_implementation_page_shows_rollup_and_goals(client, in_english):
    consultation = make_consultation("results")
    goal = make_goal("3", title="Energia <b>miasta</b>")
    funded(consultation, cost="100000", goals=[goal], progress=50, title="Panele")
    funded(consultation, cost="300000", goals=[goal], progress=10, title="Ciepło")
    page = client.get(f"/consultations/{consultation.id}/implementation").get_data(as_text=True)
    assert "20.0%" in page  # 8 000 000 / 400 000
    assert page.index("Ciepło") < page.index("Panele")  # most expensive first
    assert "<svg" in page and "<title id=" in page and "<desc id=" in page
    assert "Energia &lt;b&gt;miasta&lt;/b&gt;" in page and "<b>miasta" not in page
    assert "counts in full under each of them" in page


def test_implementation_page_empty(client, in_english):
    consultation = make_consultation("voting")
    page = client.get(f"/consultations/{consultation.id}/implementation").get_data(as_text=True)
    assert "No project of this consultation is funded yet." in page


def test_goals_summary_partial_renders_alone(app, in_english):
    from flask import render_template

    consultation = make_consultation("results")
    goal = make_goal("4", title="Zielona energia")
    funded(consultation, cost="250000", goals=[goal], progress=20)
    with app.test_request_context():
        html = render_template("implementation/_goals_summary.html", consultation=consultation)
    assert "Funds and projects per strategy goal" in html
    assert "Zielona energia" in html and "20.0%" in html and 'role="img"' in html
    with app.test_request_context():
        empty = render_template("implementation/_goals_summary.html",
                                consultation=make_consultation("results"))
    assert "No funded project serves a strategy goal yet." in empty


def test_implementation_page_query_count_is_constant(client, count_queries):
    consultation = make_consultation("results")
    goals = [make_goal(str(n)) for n in (1, 2)]

    def fill(count: int) -> None:
        for n in range(count):
            funded(consultation, cost="1000", goals=goals, progress=n % 101)

    def measure() -> int:
        with count_queries() as counter:
            assert client.get(f"/consultations/{consultation.id}/implementation").status_code == 200
        return counter["count"]

    fill(2)
    few = measure()
    fill(25)
    assert measure() == few


def test_a_projects_page_lists_its_updates_newest_first(client, auth, in_english):
    proposal = funded(make_consultation("results"), cost="5000")
    auth.login_as(Role.STAFF)
    url = f"/proposals/{proposal.id}/implementation/update"
    for day, progress in (("2026-10-01", "10"), ("2026-11-01", "60"), ("2026-10-15", "30")):
        response = client.post(url, data=_form(update_date=day, progress=progress,
                                               text=f"Stan {progress}", confirmed="yes"))
        assert response.status_code == 303
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.index("Stan 60") < page.index("Stan 30") < page.index("Stan 10")
    # The current state is the update dated last, not the one written last.
    assert 'value="60"' in page
    assert db.session.get(ProjectImplementation, proposal.id).progress == 60
    confirm = client.post(url, data=_form(update_date="2026-09-01", text="Stan 5",
                                          progress="5"))
    assert "does not change the project's current state" in confirm.get_data(as_text=True)

