"""The city strategy: goals and objectives, their pages with indicators and proposals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.consultations import services
from app.consultations.models import Indicator, IndicatorValue, StrategyGoal
from app.extensions import db
from app.proposals.models import Proposal, ProposalGoal, ProposalStatus
from tests.factories import make_consultation, make_goal, make_indicator, make_proposal
from tests.moderation.helpers import audit_actions, audit_entries, last_entry


def _codes() -> list[str]:
    return sorted(db.session.scalars(select(StrategyGoal.code)), key=services.natural_key)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _value(indicator, year, value) -> None:
    db.session.add(IndicatorValue(indicator_id=indicator.id, year=year, value=Decimal(value)))
    db.session.commit()


# -- public pages --------------------------------------------------------------------------


def test_natural_order_of_codes():
    codes = ["10", "2.10", "2", "2.9", "1", "2.1", "A", "2a", "9"]
    assert sorted(codes, key=services.natural_key) == \
        ["1", "2", "2.1", "2.9", "2.10", "2a", "9", "10", "A"]


def test_strategy_page_empty(client):
    assert "The strategy has no goals yet." in client.get("/strategy").get_data(as_text=True)


def test_strategy_lists_goals_with_objectives_in_natural_order(client):
    for code in ("10", "2", "9"):
        make_goal(code, title=f"Cel {code}")
    two = db.session.scalar(select(StrategyGoal).where(StrategyGoal.code == "2"))
    for code in ("2.10", "2.9", "2.1"):
        make_goal(code, parent=two, title=f"Zadanie {code}")
    page = client.get("/strategy").get_data(as_text=True)
    order = [page.index(f"Cel {code}<") for code in ("2", "9", "10")]
    assert order == sorted(order)
    objectives = [page.index(f"Zadanie {code}<") for code in ("2.1", "2.9", "2.10")]
    assert objectives == sorted(objectives)
    assert order[0] < objectives[0] < order[1]
    assert 'href="/strategy/2.10"' in page
    assert "/strategy/goals/new" not in page


def test_unknown_goal_is_404(client):
    assert client.get("/strategy/77").status_code == 404


def test_goal_page_shows_objectives_and_indicators(client):
    goal = make_goal("3", title="Zielona energia", description="Akapit <i>1</i>\nlinia 2")
    make_goal("3.2", parent=goal, title="Magazyny energii")
    make_goal("3.10", parent=goal, title="Sieci lokalne")
    indicator = make_indicator(goal, name="Moc OZE", unit="kW", source="Urząd Miasta",
                               baseline=Decimal("1250.5"), baseline_year=2021,
                               target=Decimal("12000"), target_year=2030)
    make_indicator(goal, name="Bez wartości", baseline=None, baseline_year=None,
                   target=None, target_year=None)
    _value(indicator, 2022, "2980.25")
    _value(indicator, 2021, "1250.5")
    client.post("/language", data={"locale": "pl"})
    page = client.get("/strategy/3").get_data(as_text=True)
    assert "Zielona energia" in page
    assert "Akapit &lt;i&gt;1&lt;/i&gt;<br>linia 2" in page
    assert page.index("Magazyny energii") < page.index("Sieci lokalne")
    assert "Urząd Miasta" in page and "kW" in page
    # Polish formatting: a (non-breaking) space between thousands, a decimal comma.
    assert "1\xa0250,5 kW (2021)" in page and "12\xa0000 kW (2030)" in page
    assert page.index("<th scope=\"row\">2021</th>") < page.index("<th scope=\"row\">2022</th>")
    assert "2\xa0980,25" in page
    client.post("/language", data={"locale": "en"})
    english = client.get("/strategy/3").get_data(as_text=True)
    assert "1,250.5 kW (2021)" in english and "2,980.25" in english
    assert "No yearly values yet." in english
    assert "not given" in english


def test_objective_page_links_to_its_goal(client):
    goal = make_goal("4", title="Opieka")
    make_goal("4.1", parent=goal, title="Dzienne domy seniora")
    page = client.get("/strategy/4.1").get_data(as_text=True)
    assert "Objective 4.1:" in page
    assert 'href="/strategy/4"' in page
    assert 'id="objectives-heading"' not in page


def test_goal_page_lists_public_proposals_of_the_goal_and_its_objectives(client, users):
    goal = make_goal("5")
    objective = make_goal("5.1", parent=goal)
    other_goal = make_goal("6")
    consultation = make_consultation()
    author = users()
    shown = make_proposal(consultation, author, goals=[goal], title="Fotowoltaika",
                          support_count=7)
    make_proposal(consultation, author, goals=[objective], title="Magazyn ciepła",
                  status=ProposalStatus.ACCEPTED, support_count=9)
    make_proposal(consultation, author, goals=[goal], title="Szkic", status=ProposalStatus.DRAFT)
    make_proposal(consultation, author, goals=[goal], title="Wycofany",
                  status=ProposalStatus.WITHDRAWN)
    make_proposal(consultation, author, goals=[other_goal], title="Inny cel")
    page = client.get("/strategy/5").get_data(as_text=True)
    assert f'<a href="/proposals/{shown.id}">Fotowoltaika</a>' in page
    assert page.index("Magazyn ciepła") < page.index("Fotowoltaika")  # more supports first
    assert "Szkic" not in page and "Wycofany" not in page and "Inny cel" not in page
    assert "<td>Accepted for the vote</td>" in page and "<td>Submitted</td>" in page
    assert '<td class="number">9</td>' in page
    objective_page = client.get("/strategy/5.1").get_data(as_text=True)
    assert "Magazyn ciepła" in objective_page and "Fotowoltaika" not in objective_page
    assert "Inny cel" in client.get("/strategy/6").get_data(as_text=True)
    make_goal("12")
    assert "No proposals serve this goal yet." in client.get("/strategy/12").get_data(
        as_text=True)


def test_goal_proposals_are_paginated(client, users):
    goal = make_goal("7")
    consultation = make_consultation()
    author = users()
    for number in range(services.PER_PAGE + 2):
        make_proposal(consultation, author, goals=[goal], title=f"Projekt nr {number}")
    first = client.get("/strategy/7").get_data(as_text=True)
    second = client.get("/strategy/7?page=2").get_data(as_text=True)
    assert first.count(">Projekt nr ") == services.PER_PAGE
    assert second.count(">Projekt nr ") == 2
    assert 'href="/strategy/7?page=2#proposals-heading"' in first


def _fill(goal, consultation, author, count: int) -> None:
    for _ in range(count):
        make_proposal(consultation, author, goals=[goal])
        indicator = make_indicator(goal)
        _value(indicator, 2021, "1.5")
        _value(indicator, 2022, "2.5")


@pytest.mark.parametrize("signed_in", [False, True])
def test_goal_page_query_count_is_constant(client, auth, users, count_queries, signed_in):
    if signed_in:
        auth.login_as(Role.STAFF)
    goal = make_goal("8")
    objective = make_goal("8.1", parent=goal)
    consultation = make_consultation()
    author = users()

    def measure(code: str) -> int:
        with count_queries() as counter:
            assert client.get(f"/strategy/{code}").status_code == 200
        return counter["count"]

    _fill(goal, consultation, author, 5)
    _fill(objective, consultation, author, 5)
    few, few_objective = measure("8"), measure("8.1")
    _fill(goal, consultation, author, 45)
    _fill(objective, consultation, author, 45)
    assert measure("8") == few
    assert measure("8.1") == few_objective


def test_strategy_page_query_count_is_constant(client, count_queries):
    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/strategy").status_code == 200
        return counter["count"]

    goal = make_goal("1")
    make_goal("1.1", parent=goal)
    few = measure()
    for number in range(2, 30):
        parent = make_goal(str(number))
        make_goal(f"{number}.1", parent=parent)
    assert measure() == few


# -- staff: goals and objectives -----------------------------------------------------------


@pytest.fixture
def staff(auth):
    return auth.login_as(Role.STAFF)


def test_staff_see_management_links(client, staff):
    goal = make_goal("1")
    page = client.get("/strategy").get_data(as_text=True)
    assert "/strategy/goals/new" in page and "/strategy/indicators/import" in page
    goal_page = client.get("/strategy/1").get_data(as_text=True)
    assert f"/strategy/goals/{goal.id}/edit" in goal_page
    assert f"/strategy/goals/new?parent={goal.id}" in goal_page


def test_staff_create_a_goal_and_an_objective(client, staff):
    response = client.post("/strategy/goals/new", data={
        "code": " 2 ", "title": "Praca", "description": "Opis", "parent": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == "/strategy/2"
    goal = db.session.scalar(select(StrategyGoal))
    form = client.get(f"/strategy/goals/new?parent={goal.id}").get_data(as_text=True)
    assert f'selected value="{goal.id}"' in form or f'value="{goal.id}" selected' in form
    response = client.post("/strategy/goals/new", data={
        "code": "2.3", "title": "Spółdzielnie socjalne", "parent": str(goal.id)})
    assert response.status_code == 303
    objective = db.session.scalar(select(StrategyGoal).where(StrategyGoal.code == "2.3"))
    assert objective.parent_id == goal.id and objective.description == ""
    entries = audit_entries()
    assert [(e.action, e.target_id, e.actor_id) for e in entries] == [
        ("goal.create", goal.id, staff.id), ("goal.create", objective.id, staff.id)]
    assert entries[1].details == {"code": "2.3", "title": "Spółdzielnie socjalne"}


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "", "title": "T"}, "Enter a code, like 2 or 2.3."),
    ({"code": "2 3", "title": "T"}, "Use numbers or letters"),
    ({"code": "2.3.4", "title": "T"}, "Use numbers or letters"),
    ({"code": "1", "title": "T"}, "Another goal or objective already has this code."),
    ({"code": "5.1", "title": "T"}, "A goal's code has no dot."),
    ({"code": "5.1", "title": "T", "parent": "PARENT"},
     "code and a dot, like 1.1."),
    ({"code": "1.1", "title": "T", "parent": "OBJECTIVE"}, "Choose one of the goals listed."),
    ({"code": "1.5", "title": "T", "parent": "999"}, "Choose one of the goals listed."),
    ({"code": "7", "title": ""}, "Enter a title."),
    ({"code": "7", "title": "x" * 301}, "at most 300 characters"),
])
def test_bad_goals_are_refused(client, staff, data, message):
    parent = make_goal("1")
    objective = make_goal("1.1", parent=parent)
    data = dict(data)
    data["parent"] = {"PARENT": str(parent.id), "OBJECTIVE": str(objective.id)}.get(
        data.get("parent", ""), data.get("parent", ""))
    response = client.post("/strategy/goals/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _codes() == ["1", "1.1"]


def test_a_new_goal_code_carries_over_to_its_objectives(client, staff):
    goal = make_goal("2", title="Stary")
    make_goal("2.1", parent=goal)
    make_goal("2.10", parent=goal)
    make_goal("3")
    taken = client.post(f"/strategy/goals/{goal.id}/edit", data={"code": "3", "title": "Nowy"})
    assert "Another goal or objective already has this code." in taken.get_data(as_text=True)
    assert audit_actions() == [], "a refused change is not logged"
    response = client.post(f"/strategy/goals/{goal.id}/edit", data={"code": "5", "title": "Nowy"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/strategy/5"
    assert _codes() == ["3", "5", "5.1", "5.10"]
    entry = last_entry()
    assert (entry.action, entry.target_id) == ("goal.update", goal.id)
    assert entry.details == {"code": "5", "title": "Nowy",
                             "changed": ["code", "title", "description"]}


def test_edit_form_shows_stored_values_and_an_empty_post_changes_nothing(client, staff):
    goal = make_goal("2")
    objective = make_goal("2.1", parent=goal, title="Zadanie")
    page = client.get(f"/strategy/goals/{objective.id}/edit").get_data(as_text=True)
    assert 'value="2.1"' in page and 'value="Zadanie"' in page
    assert f'selected value="{goal.id}"' in page or f'value="{goal.id}" selected' in page
    assert client.post(f"/strategy/goals/{objective.id}/edit", data={}).status_code == 200
    db.session.refresh(objective)
    assert objective.title == "Zadanie"


def test_a_goal_with_objectives_cannot_become_an_objective(client, staff):
    goal = make_goal("2")
    make_goal("2.1", parent=goal)
    other = make_goal("3")
    response = client.post(f"/strategy/goals/{goal.id}/edit",
                           data={"code": "3.5", "title": "T", "parent": str(other.id)})
    assert "cannot become an objective" in response.get_data(as_text=True)
    assert _codes() == ["2", "2.1", "3"]


def test_an_objective_moves_to_another_goal(client, staff):
    goal = make_goal("2")
    objective = make_goal("2.1", parent=goal)
    other = make_goal("3")
    response = client.post(f"/strategy/goals/{objective.id}/edit",
                           data={"code": "3.1", "title": "T", "parent": str(other.id)})
    assert response.status_code == 303
    db.session.refresh(objective)
    assert objective.parent_id == other.id and objective.code == "3.1"


def test_delete_a_goal_after_confirmation(client, staff, users):
    goal = make_goal("2")
    objective = make_goal("2.1", parent=goal)
    keep = make_goal("3")
    indicator = make_indicator(objective)
    _value(indicator, 2021, "1")
    make_indicator(keep)
    proposal = make_proposal(make_consultation(), users(), goals=[goal, keep])
    goal_id, title = goal.id, goal.title
    url = f"/strategy/goals/{goal_id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "1 objective" in page and "1 indicator" in page and "1 proposal" in page
    assert client.post(url, data={}).status_code == 200
    assert _codes() == ["2", "2.1", "3"]
    assert audit_actions() == []
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303
    assert _codes() == ["3"]
    assert _count(Indicator) == 1 and _count(IndicatorValue) == 0
    entry = last_entry()
    assert (entry.action, entry.target_id) == ("goal.delete", goal_id)
    assert entry.details == {"code": "2", "title": title, "objectives": 1,
                             "indicators": 1, "proposals": 1}
    assert db.session.get(Proposal, proposal.id) is not None
    assert list(db.session.scalars(select(ProposalGoal.goal_id))) == [keep.id]


def test_delete_an_indicator_after_confirmation(client, staff):
    goal = make_goal("2")
    indicator = make_indicator(goal, name="Bezrobocie")
    _value(indicator, 2021, "5")
    indicator_id = indicator.id
    url = f"/strategy/indicators/{indicator_id}/delete"
    assert "Bezrobocie" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={}).status_code == 200
    assert _count(Indicator) == 1
    response = client.post(url, data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/strategy/2"
    assert _count(Indicator) == 0 and _count(IndicatorValue) == 0
    entry = last_entry()
    assert (entry.action, entry.target_type, entry.target_id) == (
        "indicator.delete", "indicator", indicator_id)
    assert entry.details == {"name": "Bezrobocie", "goal_code": "2"}


def test_residents_get_403_on_staff_pages(client, auth):
    goal = make_goal("2")
    indicator = make_indicator(goal)
    auth.login_as(Role.RESIDENT)
    for url in ("/strategy/goals/new", f"/strategy/goals/{goal.id}/edit",
                f"/strategy/goals/{goal.id}/delete", f"/strategy/indicators/{indicator.id}/delete",
                "/strategy/indicators/import"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/strategy/goals/{goal.id}/delete",
                       data={"confirm": "yes"}).status_code == 403
    assert client.post("/strategy/goals/new", data={"code": "9", "title": "T"}).status_code == 403
    assert _codes() == ["2"] and _count(Indicator) == 1
    page = client.get("/strategy/2").get_data(as_text=True)
    assert "/edit" not in page and "/delete" not in page
