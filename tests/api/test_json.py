"""The JSON API: what it publishes, what it hides, its envelope, errors and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.accounts.models import Role
from app.consultations.models import IndicatorValue
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind
from app.proposals.models import ProposalCoauthor, ProposalStatus, ProposalStatusChange, Sector
from app.supports.models import Pledge, PledgeRole
from tests.factories import (
    make_consultation,
    make_district,
    make_goal,
    make_indicator,
    make_proposal,
)


@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read the English messages."""
    yield


def _get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def _ids(body: dict) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_index_links_every_collection_and_the_licence(client):
    body = _get(client, "/api/v1/")
    assert body["proposals"].endswith("/api/v1/proposals")
    assert body["exports"]["indicators"].endswith("/api/v1/exports/indicators.csv")
    assert body["licence"] == "CC BY 4.0"
    for url in (body["openapi"], body["consultations"], body["goals"]):
        assert client.get(url).status_code == 200


def test_the_licence_is_the_citys_choice(app, client):
    app.config["OPEN_DATA_LICENSE"] = "CC0 1.0"
    assert _get(client, "/api/v1/")["licence"] == "CC0 1.0"
    assert _get(client, "/api/v1/openapi.json")["info"]["license"]["name"] == "CC0 1.0"


def test_consultations_with_phases_and_public_proposal_counts(client, users):
    older = make_consultation("results", title="Dawne konsultacje")
    newer = make_consultation("proposals", title="Nowe konsultacje")
    author = users()
    make_proposal(newer, author)
    make_proposal(newer, author, status=ProposalStatus.DRAFT)
    body = _get(client, "/api/v1/consultations")
    assert _ids(body) == [newer.id, older.id]
    first = body["items"][0]
    assert first["title"] == "Nowe konsultacje"
    assert first["phase"] == "proposals"
    assert first["phases"]["proposals"] == newer.proposals_from.isoformat()
    assert first["proposal_count"] == 1  # the draft is not public
    assert first["proposals"].endswith(f"/api/v1/proposals?consultation={newer.id}")
    one = _get(client, f"/api/v1/consultations/{older.id}")
    assert one["title"] == "Dawne konsultacje" and one["phase"] == "results"
    assert one["html_url"].endswith(f"/consultations/{older.id}")


def test_a_proposal_shows_public_facts_and_only_authors_names(client, users):
    consultation = make_consultation("proposals")
    district = make_district("Stare Miasto")
    goal = make_goal("3", title="Praca")
    author = users(name="Anna Autorka", email="anna@example.org")
    coauthor = users(name="Celina Współautorka")
    moderator = users(Role.MODERATOR, name="Marek Moderator")
    supporter = users(name="Stefan Popierający")
    proposal = make_proposal(consultation, author, goals=[goal], district_id=district.id,
                             title="Panele na szkole", body_markdown="Tekst **ważny**.",
                             estimated_cost=Decimal("1234.5"), expected_jobs=3,
                             support_count=7, status=ProposalStatus.REJECTED,
                             status_reason="Poza budżetem")
    db.session.add(ProposalCoauthor(proposal_id=proposal.id, user_id=coauthor.id))
    db.session.add(ProposalStatusChange(proposal_id=proposal.id, status=ProposalStatus.REJECTED,
                                        changed_by_id=moderator.id, note="Poza budżetem"))
    organisation = Organisation(name="Fundacja Słońce", kind=OrganisationKind.NGO)
    db.session.add(organisation)
    db.session.flush()
    db.session.add_all([
        Pledge(proposal_id=proposal.id, pledger=f"user:{supporter.id}", user_id=supporter.id,
               role=PledgeRole.MEMBER),
        Pledge(proposal_id=proposal.id, pledger=f"organisation:{organisation.id}",
               user_id=author.id, organisation_id=organisation.id, role=PledgeRole.MEMBER),
    ])
    db.session.commit()

    body = _get(client, f"/api/v1/proposals/{proposal.id}")
    assert body["title"] == "Panele na szkole"
    assert body["sector"] == "energy"
    assert body["district"] == {"id": district.id, "name": "Stare Miasto"}
    assert body["estimated_cost"] == "1234.50"
    assert body["expected_jobs"] == 3 and body["support_count"] == 7
    assert body["goals"] == [{"id": goal.id, "code": "3"}]
    assert body["authors"] == ["Anna Autorka", "Celina Współautorka"]
    assert body["status"] == "rejected" and body["status_reason"] == "Poza budżetem"
    assert body["history"][-1]["status"] == "rejected"
    assert body["history"][-1]["note"] == "Poza budżetem"
    assert body["body_markdown"] == "Tekst **ważny**."
    assert "<strong>ważny</strong>" in body["body_html"]
    assert body["pledges"]["members_natural_persons"] == 1
    assert body["pledges"]["members_legal_persons"] == 1
    assert body["pledges"]["hybrid"] is True and body["pledges"]["minimum_met"] is False
    assert body["pledging_organisations"] == [
        {"id": organisation.id, "name": "Fundacja Słońce", "role": "member"}]
    text = client.get(f"/api/v1/proposals/{proposal.id}").get_data(as_text=True)
    for private in ("Marek Moderator", "Stefan Popierający", "anna@example.org",
                    "changed_by", "email"):
        assert private not in text


def test_drafts_are_not_found_and_not_listed(client, users):
    consultation = make_consultation("proposals")
    draft = make_proposal(consultation, users(), status=ProposalStatus.DRAFT)
    withdrawn = make_proposal(consultation, users(), status=ProposalStatus.WITHDRAWN)
    body = _get(client, f"/api/v1/proposals/{draft.id}", 404)
    assert body == {"error": {"status": 404,
                              "message": "There is nothing at this address in the API."}}
    assert _ids(_get(client, "/api/v1/proposals")) == [withdrawn.id]
    assert _get(client, f"/api/v1/proposals/{withdrawn.id}")["status"] == "withdrawn"


def test_proposals_hidden_by_moderators_are_not_published(client, users):
    from app.extensions import db
    from app.proposals.models import HiddenState

    consultation = make_consultation("proposals")
    shown = make_proposal(consultation, users())
    pending = make_proposal(consultation, users())
    hidden = make_proposal(consultation, users())
    pending.hidden_state = HiddenState.PENDING
    hidden.hidden_state, hidden.hidden_reason = HiddenState.HIDDEN, "Reklama"
    db.session.commit()
    assert _ids(_get(client, "/api/v1/proposals")) == [shown.id]
    for proposal in (pending, hidden):
        _get(client, f"/api/v1/proposals/{proposal.id}", 404)
    import csv
    import io

    text = client.get("/api/v1/exports/proposals.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == [str(shown.id)]


def test_a_deleted_author_is_left_out(client, users):
    from app.db_types import utcnow

    author = users(name="Usunięta Osoba")
    proposal = make_proposal(make_consultation("proposals"), author)
    author.deleted_at = utcnow()
    db.session.commit()
    assert _get(client, f"/api/v1/proposals/{proposal.id}")["authors"] == []


def test_proposal_filters_match_the_listing(client, users):
    first, second = make_consultation("proposals"), make_consultation("proposals")
    district = make_district()
    goal = make_goal("1")
    objective = make_goal("1.1", parent=goal)
    author = users()
    energy = make_proposal(first, author, sector=Sector.ENERGY, district_id=district.id)
    food = make_proposal(first, author, sector=Sector.FOOD, goals=[objective])
    other = make_proposal(second, author, sector=Sector.CARE, status=ProposalStatus.ACCEPTED)
    assert _ids(_get(client, f"/api/v1/proposals?consultation={first.id}")) == [energy.id,
                                                                                 food.id]
    assert _ids(_get(client, "/api/v1/proposals?sector=food")) == [food.id]
    assert _ids(_get(client, f"/api/v1/proposals?district={district.id}")) == [energy.id]
    assert _ids(_get(client, "/api/v1/proposals?district=city")) == [food.id, other.id]
    assert _ids(_get(client, f"/api/v1/proposals?goal={goal.id}")) == [food.id]
    assert _ids(_get(client, "/api/v1/proposals?status=accepted")) == [other.id]
    page = _get(client, f"/api/v1/proposals?consultation={first.id}&per_page=1")
    assert page["next"].endswith(f"/api/v1/proposals?consultation={first.id}&page=2&per_page=1")


def test_pagination_envelope(client, users):
    consultation = make_consultation("proposals")
    author = users()
    made = [make_proposal(consultation, author).id for _ in range(5)]
    first = _get(client, "/api/v1/proposals?per_page=2")
    assert first["items"] and _ids(first) == made[:2]
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    assert first["prev"] is None
    second = _get(client, first["next"])
    assert _ids(second) == made[2:4]
    assert second["prev"].endswith("/api/v1/proposals?page=1&per_page=2")
    last = _get(client, second["next"])
    assert _ids(last) == made[4:] and last["next"] is None
    beyond = _get(client, "/api/v1/proposals?per_page=2&page=9")
    assert beyond["items"] == [] and beyond["next"] is None
    assert beyond["prev"].endswith("page=3&per_page=2")
    assert _get(client, "/api/v1/proposals")["per_page"] == 20


@pytest.mark.parametrize(("query", "message"), [
    ("per_page=0", "Parameter per_page must be a whole number from 1 to 100."),
    ("per_page=101", "Parameter per_page must be a whole number from 1 to 100."),
    ("page=-1", "Parameter page must be a whole number from 1 to 100000."),
    ("page=abc", "Parameter page must be a whole number from 1 to 100000."),
    ("page=99999999999999999999", "Parameter page must be a whole number from 1 to 100000."),
    ("sector=mining", "Parameter sector must be one of: energy, digital, retrofit, land, "
                      "repair, care, food, other."),
    ("status=draft", "Parameter status must be one of: submitted, accepted, rejected, "
                     "selected, in_implementation, done, withdrawn, changes_requested, merged."),
    ("district=north", 'Parameter district must be a district id or "city" for projects '
                       "for the whole city."),
    ("consultation=0", "Parameter consultation must be a whole number from 1 to 999999999."),
    ("sort=newest", "Unknown parameter: sort. Accepted: consultation, sector, district, goal, "
                    "status, page, per_page."),
])
def test_bad_parameters_get_a_clear_400(client, query, message):
    body = _get(client, f"/api/v1/proposals?{query}", 400)
    assert body == {"error": {"status": 400, "message": message}}


def test_addresses_without_parameters_refuse_them(client):
    goal = make_goal("1")
    for url in ("/api/v1/goals?page=2", f"/api/v1/goals/{goal.id}?x=1",
                "/api/v1/exports/goals.csv?page=1",
                "/api/v1/exports/proposals.csv?page=1"):
        body = _get(client, url, 400)
        assert body["error"]["message"].startswith("Unknown parameter:")


def test_errors_under_the_api_are_json(client):
    assert _get(client, "/api/v1/nowhere", 404)["error"]["status"] == 404
    assert _get(client, "/api/v1/proposals/999999", 404)["error"]["status"] == 404
    assert _get(client, "/api/v1/consultations/999999", 404)["error"]["status"] == 404
    assert _get(client, "/api/v1/goals/999999", 404)["error"]["status"] == 404
    response = client.post("/api/v1/proposals", csrf=False)
    assert response.status_code == 405 and response.get_json()["error"]["status"] == 405
    # Elsewhere the error pages stay HTML.
    assert client.get("/nowhere").mimetype == "text/html"


def test_error_messages_follow_the_sites_language(client):
    client.post("/language", data={"locale": "pl"})
    body = _get(client, "/api/v1/proposals?per_page=500", 400)
    assert body["error"]["message"] == ("Parametr per_page musi być liczbą całkowitą "
                                        "od 1 do 100.")


def test_answers_set_no_cookies(client):
    make_consultation("proposals")
    for url in ("/api/v1/", "/api/v1/consultations", "/api/v1/proposals", "/api/v1/goals",
                "/api/v1/nowhere"):
        assert "Set-Cookie" not in client.get(url).headers, url


def test_goals_tree_with_indicators_and_yearly_values(client):
    goal = make_goal("2", title="Praca")
    objective = make_goal("2.1", parent=goal, title="Kompetencje")
    make_goal("10", title="Dziesiąty")
    make_goal("9", title="Dziewiąty")
    indicator = make_indicator(objective, name="Bezrobocie", unit="%", baseline=Decimal("8.40"),
                               target=Decimal("5"))
    db.session.add_all([IndicatorValue(indicator_id=indicator.id, year=2022, value=Decimal("7.9")),
                        IndicatorValue(indicator_id=indicator.id, year=2021, value=Decimal("8.4"))])
    db.session.commit()
    body = _get(client, "/api/v1/goals")
    assert [item["code"] for item in body["items"]] == ["2", "9", "10"]
    assert body["total"] == 3
    top = body["items"][0]
    assert top["objectives"][0]["code"] == "2.1"
    shown = top["objectives"][0]["indicators"][0]
    assert shown["name"] == "Bezrobocie" and shown["baseline"] == "8.4"
    assert shown["target"] == "5"
    assert shown["values"] == [{"year": 2021, "value": "8.4"}, {"year": 2022, "value": "7.9"}]
    assert top["proposals"].endswith(f"/api/v1/proposals?goal={goal.id}")
    one = _get(client, f"/api/v1/goals/{objective.id}")
    assert one["code"] == "2.1" and one["parent_id"] == goal.id
    assert one["indicators"][0]["id"] == indicator.id
    assert _get(client, f"/api/v1/goals/{goal.id}")["objectives"][0]["indicators"]


def _bulk(consultation, users, goals, how_many: int) -> None:
    authors = [users() for _ in range(3)]
    organisation = Organisation(name="Spółdzielnia", kind=OrganisationKind.COOPERATIVE)
    db.session.add(organisation)
    db.session.flush()
    for number in range(how_many):
        proposal = make_proposal(consultation, authors[number % 3],
                                 goals=goals[: 1 + number % 2])
        db.session.add(ProposalCoauthor(proposal_id=proposal.id,
                                        user_id=authors[(number + 1) % 3].id))
        db.session.add(Pledge(proposal_id=proposal.id, pledger=f"user:{authors[0].id}",
                              user_id=authors[0].id, role=PledgeRole.WORKER))
        db.session.add(Pledge(proposal_id=proposal.id, pledger=f"organisation:{organisation.id}",
                              user_id=authors[0].id, organisation_id=organisation.id,
                              role=PledgeRole.MEMBER))
    db.session.commit()


@pytest.mark.parametrize("url", ["/api/v1/proposals?per_page=100", "/api/v1/consultations",
                                 "/api/v1/goals"])
def test_query_count_does_not_grow_with_the_data(url, client, count_queries, users):
    consultation = make_consultation("proposals")
    goals = [make_goal("1"), make_goal("2")]
    make_indicator(goals[0])
    _bulk(consultation, users, goals, 3)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number in range(5):
        make_consultation("results")
        objective = make_goal(f"1.{number + 1}", parent=goals[0])
        indicator = make_indicator(objective)
        db.session.add(IndicatorValue(indicator_id=indicator.id, year=2020, value=Decimal(1)))
    _bulk(consultation, users, goals, 60)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert few["count"] == many["count"]


def test_one_proposal_takes_a_fixed_number_of_queries(client, count_queries, users):
    proposal = make_proposal(make_consultation("proposals"), users(), goals=[make_goal("1")])
    url = f"/api/v1/proposals/{proposal.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number in range(10):
        person = users()
        organisation = Organisation(name=f"Fundacja {number}", kind=OrganisationKind.NGO)
        db.session.add(organisation)
        db.session.flush()
        db.session.add_all([
            ProposalCoauthor(proposal_id=proposal.id, user_id=person.id),
            Pledge(proposal_id=proposal.id, pledger=f"organisation:{organisation.id}",
                   user_id=person.id, organisation_id=organisation.id, role=PledgeRole.MEMBER),
            ProposalStatusChange(proposal_id=proposal.id, status=ProposalStatus.SUBMITTED),
        ])
        db.session.add(make_goal(f"2.{number}"))
    db.session.commit()
    with count_queries() as many:
        body = client.get(url).get_json()
    assert len(body["authors"]) == 11 and len(body["pledging_organisations"]) == 10
    assert few["count"] == many["count"]
