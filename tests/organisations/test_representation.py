"""Organisations: asking to represent one, staff decisions, public pages."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import verify_chain
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    Representation,
    RepresentationStatus,
)
from tests.moderation.helpers import audit_actions, last_entry


def _organisation(name="Fundacja Zielona", approved=True) -> Organisation:
    organisation = Organisation(name=name, kind=OrganisationKind.NGO,
                                approved_at=utcnow() if approved else None)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def _pending_request(applicant, organisation=None) -> Representation:
    organisation = organisation or _organisation()
    request = Representation(organisation_id=organisation.id, user_id=applicant.id,
                             role_in_organisation="prezes")
    db.session.add(request)
    db.session.commit()
    return request


def test_request_to_represent_existing_organisation(client, auth):
    organisation = _organisation()
    user = auth.login_as()
    page = client.get(f"/organisations/represent?organisation={organisation.id}")
    assert f'<option selected value="{organisation.id}"' in page.get_data(as_text=True) or \
        f'value="{organisation.id}" selected' in page.get_data(as_text=True)
    response = client.post("/organisations/represent", data={
        "organisation": str(organisation.id), "role_in_organisation": "prezes zarządu"})
    assert response.status_code == 303
    request = db.session.scalar(select(Representation))
    assert request.user_id == user.id and request.status is RepresentationStatus.PENDING
    again = client.post("/organisations/represent", data={
        "organisation": str(organisation.id), "role_in_organisation": "prezes zarządu"})
    assert again.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Representation)) == 1


def test_request_for_a_new_organisation_stays_private_until_approved(client, auth):
    auth.login_as()
    response = client.post("/organisations/represent", data={
        "organisation": "new", "name": "Spółdzielnia Nowa", "kind": "cooperative",
        "registry_number": "0000-123-456", "website": "https://nowa.example.org",
        "role_in_organisation": "członkini zarządu"})
    assert response.status_code == 303
    organisation = db.session.scalar(select(Organisation))
    assert organisation.registry_number == "0000123456"
    assert not organisation.is_public
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
    assert "Spółdzielnia Nowa" not in client.get("/organisations/").get_data(as_text=True)


def test_new_organisation_needs_name_and_kind_and_valid_numbers(client, auth):
    auth.login_as()
    response = client.post("/organisations/represent", data={
        "organisation": "new", "registry_number": "12ab", "website": "javascript:alert(1)",
        "role_in_organisation": "prezes"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="field-error"') == 4
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_unknown_or_private_organisation_is_refused(client, auth):
    private = _organisation(approved=False)
    auth.login_as()
    for value in (str(private.id), "99999", "abc"):
        response = client.post("/organisations/represent", data={
            "organisation": value, "role_in_organisation": "prezes"})
        assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Representation)) == 0


def test_staff_approve_a_new_organisation(client, auth, users):
    applicant = users()
    organisation = _organisation("Nowa Fundacja", approved=False)
    request = _pending_request(applicant, organisation)
    staff = auth.login_as(Role.STAFF)
    listing = client.get("/organisations/requests").get_data(as_text=True)
    assert "Nowa Fundacja" in listing
    response = client.post(f"/organisations/requests/{request.id}",
                           data={"approve": "Approve", "decision_note": ""})
    assert response.status_code == 303
    request = db.session.get(Representation, request.id)
    assert request.status is RepresentationStatus.APPROVED
    assert request.decided_by_id == staff.id
    assert db.session.get(Organisation, organisation.id).is_public
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id) == (
        "representation.approve", staff.id, "organisation", organisation.id)
    assert entry.details == {"representation_id": request.id, "organisation_made_public": True}
    assert verify_chain().ok
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert applicant.display_name in page
    # decided requests leave the queue
    assert client.get(f"/organisations/requests/{request.id}").status_code == 404


def test_rejecting_needs_a_reason_shown_to_the_applicant(app, client, auth, users):
    applicant = users()
    request = _pending_request(applicant)
    auth.login_as(Role.STAFF)
    response = client.post(f"/organisations/requests/{request.id}", data={"reject": "Reject"})
    assert response.status_code == 200
    assert db.session.get(Representation, request.id).status is RepresentationStatus.PENDING
    response = client.post(f"/organisations/requests/{request.id}",
                           data={"reject": "Reject", "decision_note": "Brak pełnomocnictwa"})
    assert response.status_code == 303
    assert db.session.get(Representation, request.id).status is RepresentationStatus.REJECTED
    entry = last_entry()
    assert (entry.action, entry.target_id) == ("representation.reject", request.organisation_id)
    # The note is for the applicant alone; the public log names nobody and quotes nothing.
    assert entry.reason == "" and entry.details["representation_id"] == request.id
    assert applicant.display_name not in str(entry.details)
    auth.logout()
    applicant_client = app.test_client_class(app, app.response_class, use_cookies=True)
    applicant_client.post("/account/login", data={"email": applicant.email,
                                                  "password": "correct horse battery"})
    assert "Brak pełnomocnictwa" in applicant_client.get("/account/").get_data(as_text=True)


def test_decision_without_a_button_changes_nothing(client, auth, users):
    applicant = users()
    request = _pending_request(applicant)
    auth.login_as(Role.STAFF)
    assert client.post(f"/organisations/requests/{request.id}", data={}).status_code == 200
    assert db.session.get(Representation, request.id).status is RepresentationStatus.PENDING
    assert audit_actions() == []


def test_organisation_list_paginates_and_has_empty_state(client):
    assert "empty" in client.get("/organisations/").get_data(as_text=True)
    for number in range(25):
        db.session.add(Organisation(name=f"Org {number:02d}", kind=OrganisationKind.BUSINESS,
                                    approved_at=utcnow()))
    db.session.commit()
    first = client.get("/organisations/").get_data(as_text=True)
    second = client.get("/organisations/?page=2").get_data(as_text=True)
    assert "Org 00" in first and "Org 24" not in first
    assert "Org 24" in second
    assert client.get("/organisations/?page=99").status_code == 200
    assert client.get("/organisations/?page=-1").status_code == 200


def test_request_queue_query_count_is_constant(client, auth, users, count_queries):
    auth.login_as(Role.STAFF)

    def add_requests(count: int) -> None:
        for _ in range(count):
            person = users()
            _pending_request(person, _organisation(f"Org {person.id}"))

    add_requests(2)
    with count_queries() as few:
        client.get("/organisations/requests")
    add_requests(10)
    with count_queries() as many:
        client.get("/organisations/requests")
    assert many["count"] == few["count"]
