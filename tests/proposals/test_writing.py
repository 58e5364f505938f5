"""Writing proposals: drafts, submitting, bad input, phases, co-authors, editing, withdrawing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.proposals import services
from app.proposals.forms import AmountError, parse_amount
from app.proposals.models import (
    Proposal,
    ProposalCoauthor,
    ProposalGoal,
    ProposalStatus,
    ProposalStatusChange,
    Sector,
)
from tests.factories import make_consultation, make_proposal
from tests.moderation.helpers import audit_actions, last_entry


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _history(proposal) -> list[ProposalStatus]:
    return list(db.session.scalars(
        select(ProposalStatusChange.status)
        .where(ProposalStatusChange.proposal_id == proposal.id)
        .order_by(ProposalStatusChange.id)))


# --- creating ---------------------------------------------------------------------------------

def test_form_lists_open_consultations_and_goals(client, auth, consultation, goals, district):
    closed = make_consultation("voting", title="Zamknięte konsultacje")
    auth.login_as()
    page = client.get("/proposals/new").get_data(as_text=True)
    assert consultation.title in page and closed.title not in page
    assert "Fotowoltaika" in page and 'name="goals"' in page
    assert "Śródmieście" in page and "Markdown" in page
    assert 'name="save_draft"' in page and 'name="submit_proposal"' in page


def test_consultation_is_preselected(client, auth, consultation, goals):
    make_consultation("proposals")
    auth.login_as()
    page = client.get(f"/proposals/new?consultation={consultation.id}").get_data(as_text=True)
    assert f'<option selected value="{consultation.id}"' in page or \
        f'value="{consultation.id}" selected' in page


def test_closed_consultation_gets_a_clear_message(client, auth):
    closed = make_consultation("deliberation", title="Konsultacje w debacie")
    auth.login_as()
    page = client.get(f"/proposals/new?consultation={closed.id}").get_data(as_text=True)
    assert "is not accepting proposals now" in page
    assert "No consultation is accepting proposals at the moment" in page
    assert 'name="title"' not in page


def test_save_draft(client, auth, form_data, goals, district):
    user = auth.login_as()
    response = client.post("/proposals/new", data=form_data(save_draft="y"))
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert proposal.status is ProposalStatus.DRAFT
    assert proposal.author_id == user.id
    assert proposal.title == "Zieleń na dachach"
    assert proposal.estimated_cost == Decimal("250000.50")
    assert proposal.expected_jobs == 12
    assert proposal.sector is Sector.RETROFIT and proposal.district_id == district.id
    assert "<strong>zielone dachy</strong>" in proposal.body_html
    assert "<li>mech</li>" in proposal.body_html
    assert proposal.search_text.startswith("zielen na dachach spoldzielnia")
    assert set(db.session.scalars(select(ProposalGoal.goal_id))) == {goals[0].id, goals[1].id}
    assert _history(proposal) == [ProposalStatus.DRAFT]


def test_submit_directly(client, auth, form_data, monkeypatch):
    calls = []
    import app.notifications.services as notifications

    monkeypatch.setattr(notifications, "notify_status_change",
                        lambda p, old, new, actor: calls.append((old, new, actor.id)),
                        raising=False)
    user = auth.login_as()
    response = client.post("/proposals/new", data=form_data(submit_proposal="y",
                                                            district=""))
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.status is ProposalStatus.SUBMITTED and proposal.district_id is None
    assert _history(proposal) == [ProposalStatus.SUBMITTED]
    change = db.session.scalar(select(ProposalStatusChange))
    assert change.changed_by_id == user.id
    assert calls == [
        (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, user.id)]


@pytest.mark.parametrize("amount, expected", [
    ("250000.50", "250000.50"), ("250 000,50", "250000.50"), ("250\u00a0000", "250000"),
    ("250.000,50", "250000.50"), ("250,000.50", "250000.50"), ("1,5", "1.5"),
    ("99 zł", "99"), ("100000000000", "100000000000"),
])
def test_amounts_polish_and_english(amount, expected):
    assert parse_amount(amount) == Decimal(expected)


@pytest.mark.parametrize("amount", ["abc", "1.2.3", "1,234", "", "12e5", "1,5,6"])
def test_amounts_that_cannot_be_read(amount):
    with pytest.raises(AmountError):
        parse_amount(amount)


BAD_INPUT = [
    ("consultation", "", "Choose the consultation."),
    ("consultation", "999999", "This consultation is not accepting proposals now"),
    ("consultation", "abc", "This consultation is not accepting proposals now"),
    ("title", "", "Give your proposal a title."),
    ("title", "Abc", "The title must have between 5 and 200 characters."),
    ("title", "x" * 201, "The title must have between 5 and 200 characters."),
    ("body", "", "Describe your proposal."),
    ("body", "Za krótko.", "The description must have between 20 and 20000 characters."),
    ("body", "x" * 20001, "The description must have between 20 and 20000 characters."),
    ("sector", "", "Choose the sector."),
    ("sector", "mining", "Choose the sector."),
    ("district", "999999", "Choose a district from the list"),
    ("estimated_cost", "", "Enter the estimated cost."),
    ("estimated_cost", "dużo", "Enter the cost as a number"),
    ("estimated_cost", "0", "The cost must be more than zero."),
    ("estimated_cost", "-5", "The cost must be more than zero."),
    ("estimated_cost", "100000000000,01", "The cost can be at most 100 billion zloty."),
    ("estimated_cost", "10,123", "at most two digits after the decimal comma"),
    ("expected_jobs", "", "Enter a whole number from 0 to 10000."),
    ("expected_jobs", "-1", "Enter a whole number from 0 to 10000."),
    ("expected_jobs", "10001", "Enter a whole number from 0 to 10000."),
    ("expected_jobs", "2.5", "Enter a whole number from 0 to 10000."),
    ("goals", [], "Choose between 1 and 3 strategy goals."),
    ("goals", ["999999"], "Choose goals from the list."),
    ("goals", ["abc"], "Choose goals from the list."),
    ("coauthors", "nikt@example.org", "No confirmed account with the address nikt@example.org"),
]


@pytest.mark.parametrize("name, value, message", BAD_INPUT)
def test_bad_input_is_explained_and_kept(name, value, message, client, auth, form_data):
    auth.login_as()
    response = client.post("/proposals/new", data=form_data(**{name: value},
                                                            submit_proposal="y"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'")
    assert page.count('class="field-error"') == 1
    assert "Zieleń na dachach" in page or name == "title"  # nothing typed is lost
    assert _count(Proposal) == 0


def test_too_many_goals(client, auth, form_data, goals):
    auth.login_as()
    response = client.post("/proposals/new",
                           data=form_data(goals=[str(g.id) for g in goals]))
    assert "Choose between 1 and 3 strategy goals." in response.get_data(as_text=True)
    assert _count(Proposal) == 0


def test_typed_values_stay_after_an_error(client, auth, form_data, goals):
    auth.login_as()
    page = client.post("/proposals/new", data=form_data(
        title="", estimated_cost="12 345,67")).get_data(as_text=True)
    assert 'value="12 345,67"' in page
    assert f'value="{goals[1].id}" id="goal-{goals[1].id}" checked' in page


def test_proposals_only_in_the_proposals_phase(client, auth, form_data, shift_days):
    auth.login_as()
    shift_days(10)  # the consultation is now in review
    assert "No consultation is accepting proposals" in client.get(
        "/proposals/new").get_data(as_text=True)
    response = client.post("/proposals/new", data=form_data())
    assert response.status_code == 200
    assert _count(Proposal) == 0


def test_unconfirmed_and_anonymous_cannot_write(client, auth, form_data):
    response = client.get("/proposals/new")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    auth.login_as(confirmed=False)
    assert client.post("/proposals/new", data=form_data()).status_code == 302
    assert client.post("/proposals/new", data=form_data(),
                       headers={"HX-Request": "true"}).status_code == 403
    assert _count(Proposal) == 0


def test_coauthors(client, auth, users, form_data):
    first = users(email="anna@example.org")
    second = users(email="bartek@example.org")
    users(email="niepotwierdzony@example.org", confirmed=False)
    author = auth.login_as()
    bad = client.post("/proposals/new", data=form_data(
        coauthors="anna@example.org\nniepotwierdzony@example.org")).get_data(as_text=True)
    assert "No confirmed account with the address niepotwierdzony@example.org" in bad
    own = client.post("/proposals/new", data=form_data(coauthors=author.email))
    assert "Do not list your own address" in own.get_data(as_text=True)
    many = ", ".join(f"p{i}@example.org" for i in range(6))
    assert "at most 5 co-authors" in client.post(
        "/proposals/new", data=form_data(coauthors=many)).get_data(as_text=True)
    assert _count(Proposal) == 0
    response = client.post("/proposals/new", data=form_data(
        coauthors=" Anna@example.org ; bartek@example.org,anna@example.org"))
    assert response.status_code == 303
    assert set(db.session.scalars(select(ProposalCoauthor.user_id))) == {first.id, second.id}
    proposal = db.session.scalar(select(Proposal))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert first.display_name in page and second.display_name in page


# --- editing ----------------------------------------------------------------------------------

def _proposal_of(author, consultation, goals, **overrides):
    return make_proposal(consultation, author, goals=[goals[0]], **overrides)


def test_author_edits_a_submitted_proposal(client, auth, consultation, goals, form_data):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals)
    page = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert proposal.title in page and 'value="250000"' in page
    assert 'name="consultation"' not in page and 'name="save_changes"' in page
    response = client.post(f"/proposals/{proposal.id}/edit", data=form_data(
        title="Nowy tytuł projektu", goals=[str(goals[3].id)], save_changes="y"))
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.title == "Nowy tytuł projektu"
    assert proposal.status is ProposalStatus.SUBMITTED
    assert proposal.search_text.startswith("nowy tytul projektu")
    assert list(db.session.scalars(select(ProposalGoal.goal_id))) == [goals[3].id]


def test_edit_keeps_input_on_error(client, auth, consultation, goals, form_data):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals)
    response = client.post(f"/proposals/{proposal.id}/edit",
                           data=form_data(title="Nowy tytuł", expected_jobs="many"))
    assert response.status_code == 200
    assert 'value="Nowy tytuł"' in response.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.title != "Nowy tytuł"


def test_draft_is_submitted_from_the_edit_form(client, auth, consultation, goals, form_data):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals, status=ProposalStatus.DRAFT)
    services.change_status(proposal, ProposalStatus.DRAFT, author)
    db.session.commit()
    response = client.post(f"/proposals/{proposal.id}/edit",
                           data=form_data(submit_proposal="y"))
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.SUBMITTED
    assert _history(proposal) == [ProposalStatus.DRAFT, ProposalStatus.SUBMITTED]
    assert audit_actions() == [], "an author's own steps are not moderation"


def test_a_coauthor_submitting_the_draft_is_not_logged_as_moderation(
        client, auth, users, consultation, goals, form_data):
    proposal = _proposal_of(users(), consultation, goals, status=ProposalStatus.DRAFT)
    coauthor = auth.login_as(Role.MODERATOR)  # a moderator, but here one of the authors
    db.session.add(ProposalCoauthor(proposal_id=proposal.id, user_id=coauthor.id))
    db.session.commit()
    response = client.post(f"/proposals/{proposal.id}/edit", data=form_data(submit_proposal="y"))
    assert response.status_code == 303
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.SUBMITTED
    assert audit_actions() == []


def test_draft_submitted_with_the_button_on_its_page(client, auth, consultation, goals):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals, status=ProposalStatus.DRAFT)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'action="/proposals/{proposal.id}/submit"' in page
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 303
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.SUBMITTED
    assert _history(proposal) == [ProposalStatus.SUBMITTED]
    # Submitting again changes nothing.
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 303
    assert _history(proposal) == [ProposalStatus.SUBMITTED]


def test_coauthor_edits_but_cannot_change_coauthors(client, auth, users, consultation, goals,
                                                    form_data):
    author = users()
    proposal = _proposal_of(author, consultation, goals)
    coauthor = auth.login_as()
    db.session.add(ProposalCoauthor(proposal_id=proposal.id, user_id=coauthor.id))
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert 'name="coauthors"' not in page
    response = client.post(f"/proposals/{proposal.id}/edit", data=form_data(
        title="Poprawiony przez współautora", coauthors="x@example.org"))
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.title == "Poprawiony przez współautora"
    assert list(db.session.scalars(select(ProposalCoauthor.user_id))) == [coauthor.id]
    # A co-author may not withdraw: that is the author's decision.
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 403


def test_other_residents_are_refused(client, auth, users, consultation, goals, form_data):
    proposal = _proposal_of(users(), consultation, goals)
    auth.login_as()
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    assert client.post(f"/proposals/{proposal.id}/edit", data=form_data()).status_code == 403
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 403
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 403
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 403
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "/edit" not in page and "/withdraw" not in page
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.SUBMITTED


def test_staff_cannot_edit_someone_elses_proposal(client, auth, users, consultation, goals):
    proposal = _proposal_of(users(), consultation, goals)
    auth.login_as(Role.ADMIN)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403


def test_editing_stops_with_the_proposals_phase(client, auth, consultation, goals, form_data,
                                                shift_days):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals)
    shift_days(10)
    response = client.get(f"/proposals/{proposal.id}/edit")
    assert response.status_code == 409
    assert "while the consultation accepts them" in response.get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/edit",
                       data=form_data(title="Spóźniona zmiana")).status_code == 409
    assert client.post(f"/proposals/{proposal.id}/submit").status_code == 409
    assert "/edit" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.title != "Spóźniona zmiana"


@pytest.mark.parametrize("status", [ProposalStatus.ACCEPTED, ProposalStatus.REJECTED,
                                    ProposalStatus.WITHDRAWN])
def test_reviewed_proposals_cannot_be_edited(status, client, auth, consultation, goals):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals, status=status)
    response = client.get(f"/proposals/{proposal.id}/edit")
    assert response.status_code == 409
    assert "can no longer be changed" in response.get_data(as_text=True)


# --- withdrawing ------------------------------------------------------------------------------

def test_author_withdraws_after_confirmation(client, auth, consultation, goals):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals)
    page = client.get(f"/proposals/{proposal.id}/withdraw").get_data(as_text=True)
    assert "This cannot be undone" in page
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.SUBMITTED  # the GET changed nothing
    response = client.post(f"/proposals/{proposal.id}/withdraw",
                           data={"reason": "Znaleźliśmy innego wykonawcę."})
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.WITHDRAWN
    assert proposal.status_reason == "Znaleźliśmy innego wykonawcę."
    change = db.session.scalar(select(ProposalStatusChange))
    assert change.note == "Znaleźliśmy innego wykonawcę." and change.changed_by_id == author.id
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Znaleźliśmy innego wykonawcę." in page and "Withdrawn" in page
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 409
    assert audit_actions() == []


def test_withdraw_reason_too_long(client, auth, consultation, goals):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals)
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"reason": "x" * 1001})
    assert response.status_code == 200
    assert "At most 1000 characters." in response.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.SUBMITTED


@pytest.mark.parametrize("status", [ProposalStatus.SELECTED, ProposalStatus.IN_IMPLEMENTATION,
                                    ProposalStatus.DONE])
def test_selected_proposals_cannot_be_withdrawn(status, client, auth, consultation, goals):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals, status=status)
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 409
    response = client.post(f"/proposals/{proposal.id}/withdraw")
    assert response.status_code == 409
    assert "selected in the vote cannot be withdrawn" in response.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status is status


def test_drafts_are_not_withdrawn(client, auth, consultation, goals):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals, status=ProposalStatus.DRAFT)
    assert "/withdraw" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/withdraw")
    assert response.status_code == 409
    assert "nothing to withdraw" in response.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.DRAFT


def test_no_withdrawing_once_voting_starts(client, auth, consultation, goals, shift_days):
    author = auth.login_as()
    proposal = _proposal_of(author, consultation, goals, status=ProposalStatus.ACCEPTED)
    shift_days(20)
    assert client.get(f"/proposals/{proposal.id}/withdraw").status_code == 200
    shift_days(30)
    assert client.post(f"/proposals/{proposal.id}/withdraw").status_code == 409


# --- the status service -----------------------------------------------------------------------

def test_change_status_records_history_and_works_without_notifications(
        app, users, consultation, goals, monkeypatch):
    import app.notifications.services as notifications

    monkeypatch.delattr(notifications, "notify_status_change", raising=False)
    moderator = users(Role.MODERATOR)
    proposal = _proposal_of(users(), consultation, goals)
    services.change_status(proposal, ProposalStatus.REJECTED, moderator, "Poza zakresem.")
    db.session.commit()
    assert proposal.status is ProposalStatus.REJECTED
    assert proposal.status_reason == "Poza zakresem."
    change = db.session.scalar(select(ProposalStatusChange))
    assert (change.status, change.changed_by_id, change.note) == (
        ProposalStatus.REJECTED, moderator.id, "Poza zakresem.")
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.actor_role, entry.target_id) == (
        "proposal.status", moderator.id, "moderator", proposal.id)
    assert entry.reason == "Poza zakresem."
    assert entry.details == {"from": "submitted", "to": "rejected"}


def test_a_status_change_and_its_audit_entry_are_one_transaction(app, users, consultation,
                                                                 goals):
    proposal = _proposal_of(users(), consultation, goals)
    staff = users(Role.STAFF)
    with app.test_request_context():  # the followers' notifications link to the proposal
        services.change_status(proposal, ProposalStatus.ACCEPTED, staff)
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.SUBMITTED
    assert audit_actions() == []


def test_change_status_calls_the_notification_hook(app, users, consultation, goals,
                                                   monkeypatch):
    import app.notifications.services as notifications

    calls = []
    monkeypatch.setattr(notifications, "notify_status_change",
                        lambda *args: calls.append(args), raising=False)
    moderator = users(Role.MODERATOR)
    proposal = _proposal_of(users(), consultation, goals)
    services.change_status(proposal, ProposalStatus.ACCEPTED, moderator)
    assert calls == [(proposal, ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, moderator)]
