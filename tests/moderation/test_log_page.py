"""The public moderation log page: in words, newest first, paginated, filtered, no personal data."""

from __future__ import annotations

import re

import pytest

from app.accounts import services as account_services
from app.accounts.models import Role
from app.extensions import db
from app.moderation.audit import record
from app.moderation.models import AuditHead
from app.organisations.models import Organisation, OrganisationKind
from app.proposals.models import ProposalStatus
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_district, make_goal, make_proposal
from tests.moderation.helpers import write_chain

ROW = re.compile(r"<tr>\s*<td class=\"number\">(\d+)</td>")


@pytest.fixture(autouse=True)
def english(in_english):
    yield


def _numbers(page: str) -> list[int]:
    return [int(number) for number in ROW.findall(page)]


def test_empty_log_says_so(client):
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "No actions have been recorded yet." in page
    assert "Fingerprint" not in page


def test_the_footer_links_to_the_log(client):
    assert 'href="/moderation/log"' in client.get("/").get_data(as_text=True)


def test_entries_in_words_newest_first(client, users):
    moderator = users(Role.MODERATOR, name="Monika Moderatorka", email="monika@example.org")
    staff = users(Role.STAFF, name="Stanisław z Urzędu", email="stanislaw@example.org")
    consultation = make_consultation()
    proposal = make_proposal(consultation, users())
    record(staff, "consultation.create", "consultation", consultation.id,
           details={"title": consultation.title})
    record(moderator, "proposal.status", "proposal", proposal.id, reason="Poza zakresem.",
           details={"from": "submitted", "to": "rejected"})
    db.session.commit()
    page = client.get("/moderation/log").get_data(as_text=True)
    assert _numbers(page) == [2, 1]
    assert "Changed the status of a proposal" in page and "Submitted → Rejected" in page
    assert "Poza zakresem." in page
    assert "Monika Moderatorka" in page and "Moderator" in page
    assert "Stanisław z Urzędu" in page and "City staff" in page
    assert f'<a href="/proposals/{proposal.id}">{proposal.title}</a>' in page
    assert f'<a href="/consultations/{consultation.id}">{consultation.title}</a>' in page
    assert "monika@example.org" not in page and "stanislaw@example.org" not in page
    latest = db.session.get(AuditHead, 1).hash
    assert re.search(rf"entry no\. 2, the latest:\s*<code class=\"fingerprint\">{latest}<", page)


def test_targets_gone_or_not_public_show_what_the_entry_says(client, users):
    staff = users(Role.STAFF)
    district = make_district("Hutnicze")
    draft = make_proposal(make_consultation(), users(), status=ProposalStatus.DRAFT,
                          title="Szkic tajny")
    hidden = Organisation(name="Fundacja Nieznana", kind=OrganisationKind.NGO)
    db.session.add(hidden)
    db.session.flush()
    record(staff, "district.delete", "district", district.id, details={"name": "Hutnicze"})
    record(staff, "goal.delete", "goal", 999, details={"code": "4", "title": "Stary cel"})
    record(staff, "proposal.status", "proposal", draft.id,
           details={"from": "draft", "to": "submitted"})
    record(staff, "representation.reject", "organisation", hidden.id,
           details={"representation_id": 5, "organisation_made_public": False})
    record(staff, "indicator.import", "strategy", None,
           details={"created": 2, "updated": 1, "values": 9})
    record(None, "settings.change", "setting", None, details={"key": "demo", "value": True})
    db.session.delete(district)
    db.session.commit()
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "Hutnicze" in page and "4 Stary cel" in page
    assert "Szkic tajny" not in page and f"Proposal #{draft.id}" in page
    assert "Fundacja Nieznana" not in page and f"Organisation #{hidden.id}" in page
    assert '<a href="/strategy">City strategy</a>' in page
    assert "2 created, 1 updated, 9 yearly values" in page
    assert "System" in page and "Agora" in page and "demo" in page


def test_a_live_goal_links_to_its_page(client, users):
    goal = make_goal("2.1", title="Kompetencje cyfrowe")
    record(users(Role.STAFF), "goal.update", "goal", goal.id,
           details={"code": "2.1", "title": "Kompetencje cyfrowe", "changed": ["title"]})
    db.session.commit()
    page = client.get("/moderation/log").get_data(as_text=True)
    assert '<a href="/strategy/2.1">2.1 Kompetencje cyfrowe</a>' in page


def test_a_deleted_actor_is_shown_as_a_deleted_user_with_the_role(client, users):
    moderator = users(Role.MODERATOR, name="Monika Moderatorka")
    person = users(name="Jan Mieszkaniec")
    record(moderator, "user.role", "user", person.id,
           details={"from": "resident", "to": "moderator"})
    db.session.commit()
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "Monika Moderatorka" in page and "Jan Mieszkaniec" in page
    assert "Resident → Moderator" in page
    account_services.delete_account(moderator, PASSWORD)
    account_services.delete_account(person, PASSWORD)
    page = client.get("/moderation/log").get_data(as_text=True)
    assert "Monika Moderatorka" not in page and "Jan Mieszkaniec" not in page
    assert page.count("deleted user") == 2 and "Moderator" in page


def test_pages_of_twenty(client):
    write_chain(25)
    first = client.get("/moderation/log").get_data(as_text=True)
    assert _numbers(first) == list(range(25, 5, -1))
    assert 'rel="next"' in first
    second = client.get("/moderation/log?page=2").get_data(as_text=True)
    assert _numbers(second) == [5, 4, 3, 2, 1]
    assert client.get("/moderation/log?page=99").status_code == 200
    assert client.get("/moderation/log?page=-3").status_code == 200


def test_filter_by_kind_of_action(client, users):
    staff = users(Role.STAFF)
    write_chain(3, staff)
    record(staff, "district.create", "district", 7, details={"name": "Nadrzecze"})
    db.session.commit()
    page = client.get("/moderation/log?action=district.create").get_data(as_text=True)
    assert _numbers(page) == [4] and "Nadrzecze" in page
    assert '<option value="district.create" selected>' in page
    assert _numbers(client.get("/moderation/log?action=nonsense").get_data(as_text=True)) == [
        4, 3, 2, 1]
    empty = client.get("/moderation/log?action=user.role").get_data(as_text=True)
    assert "No actions of this kind have been recorded." in empty


def test_pagination_links_keep_the_filter(client, users):
    write_chain(22)
    page = client.get("/moderation/log?action=district.rename").get_data(as_text=True)
    assert 'href="/moderation/log?page=2&amp;action=district.rename"' in page


def test_htmx_gets_the_table_alone(client):
    write_chain(2)
    fragment = client.get("/moderation/log?action=district.rename",
                          headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and _numbers(body) == [2, 1]
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = client.get("/moderation/log", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_query_count_does_not_grow_with_the_entries(client, users, count_queries):
    staff = users(Role.STAFF)
    consultation = make_consultation()

    def add(count: int) -> None:
        for _ in range(count):
            proposal = make_proposal(consultation, staff)
            record(staff, "proposal.status", "proposal", proposal.id,
                   details={"from": "submitted", "to": "accepted"})
            goal = make_goal()
            record(staff, "goal.create", "goal", goal.id, details={"code": goal.code})
            record(staff, "user.role", "user", staff.id, details={"to": "staff"})
        db.session.commit()

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/moderation/log").status_code == 200
        return counter["count"]

    add(1)
    few = measure()
    add(6)
    assert measure() == few


def test_the_page_is_in_polish_by_default(app, users):
    from tests.conftest import AgoraClient

    app.test_client_class = AgoraClient
    polish = app.test_client()
    write_chain(1, users(Role.MODERATOR))
    page = polish.get("/moderation/log").get_data(as_text=True)
    assert "Rejestr moderacji" in page and "Zmiana nazwy dzielnicy" in page
    assert "„Stara 1” → „Nowa 1”" in page
