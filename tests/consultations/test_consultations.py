"""Consultations: the public list and page with its timeline, and staff creating and editing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.accounts.models import Role
from app.consultations import services
from app.consultations.models import Consultation, Phase
from app.extensions import db
from tests.factories import make_consultation
from tests.moderation.helpers import audit_actions, last_entry

START = date(2030, 3, 1)


def _dated(title="Budżet 2030", start=START, **overrides) -> Consultation:
    """A consultation whose phases start every ten days from `start`."""
    days = [start + timedelta(days=10 * i) for i in range(5)]
    return make_consultation(
        title=title, proposals_from=days[0], review_from=days[1], deliberation_from=days[2],
        voting_from=days[3], results_from=days[4], **overrides)


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


def _form(**overrides) -> dict:
    values = {
        "title": "Spółdzielnie energetyczne", "summary": "Projekty OZE dla dzielnic.",
        "description": "Pierwszy akapit.\nDruga linia.\n\nDrugi akapit <b>pogrubiony</b>.",
        "proposals_from": "2030-03-01", "review_from": "2030-03-15",
        "deliberation_from": "2030-04-01", "voting_from": "2030-04-15",
        "results_from": "2030-05-01", "support_threshold": "50",
    }
    values.update(overrides)
    return values


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))


# -- the list ------------------------------------------------------------------------------


def test_list_has_three_sections_with_empty_states(client):
    page = client.get("/consultations").get_data(as_text=True)
    assert "No consultation is open now." in page
    assert "No consultation is planned yet." in page
    assert "No consultation has finished yet." in page


def test_list_sorts_consultations_by_phase(client, monkeypatch):
    _dated("Otwarte propozycje")
    _dated("Otwarte głosowanie", start=START - timedelta(days=35))
    _dated("Przyszłe", start=START + timedelta(days=5))
    _dated("Zakończone", start=START - timedelta(days=60))
    _on(monkeypatch, START)
    page = client.get("/consultations").get_data(as_text=True)
    open_part, rest = page.split('id="upcoming-heading"')
    upcoming_part, past_part = rest.split('id="past-heading"')
    assert "Otwarte propozycje" in open_part and "Otwarte głosowanie" in open_part
    assert "Przyszłe" in upcoming_part and "Otwarte" not in upcoming_part
    assert "Zakończone" in past_part and "Przyszłe" not in past_part
    consultation = db.session.scalar(select(Consultation).where(Consultation.title == "Przyszłe"))
    assert f'href="/proposals?consultation={consultation.id}"' in page
    assert "/edit" not in page


def test_past_consultations_are_paginated(client, monkeypatch):
    for number in range(services.PER_PAGE + 3):
        _dated(f"Archiwum {number:02d}", start=START - timedelta(days=100 + number))
    _on(monkeypatch, START)
    first = client.get("/consultations").get_data(as_text=True)
    second = client.get("/consultations?page=2").get_data(as_text=True)
    assert first.count('">Archiwum ') == services.PER_PAGE
    assert second.count('">Archiwum ') == 3
    assert "Archiwum 22" in second  # the oldest comes last
    assert client.get("/consultations?page=99").status_code == 200


def test_list_query_count_does_not_grow(client, count_queries, monkeypatch):
    _on(monkeypatch, START)

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/consultations").status_code == 200
        return counter["count"]

    for index in range(3):
        _dated(f"A{index}", start=START - timedelta(days=index))
    few = measure()
    for index in range(30):
        _dated(f"B{index}", start=START - timedelta(days=index + 20))
        _dated(f"C{index}", start=START + timedelta(days=index + 1))
    assert measure() == few


def test_staff_see_management_links(client, auth):
    consultation = make_consultation("proposals")
    auth.login_as(Role.STAFF)
    page = client.get("/consultations").get_data(as_text=True)
    assert f"/consultations/{consultation.id}/edit" in page
    assert "/consultations/new" in page and "/consultations/districts" in page


# -- one consultation ----------------------------------------------------------------------


@pytest.mark.parametrize(("offset", "phase", "hint"), [
    (-1, Phase.UPCOMING, "Proposals open on"),
    (0, Phase.PROPOSALS, "Propose a cooperative project"),
    (12, Phase.REVIEW, "Moderators are reviewing"),
    (20, Phase.DELIBERATION, "Discuss the proposals"),
    (39, Phase.VOTING, "Vote for the projects"),
    (40, Phase.RESULTS, "See the results"),
    (4000, Phase.RESULTS, "See the results"),
])
def test_page_shows_the_current_phase_and_what_to_do(client, monkeypatch, offset, phase, hint):
    consultation = _dated()
    _on(monkeypatch, START + timedelta(days=offset))
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert hint in page
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    steps = re.findall(r"<li.*?</li>", timeline, flags=re.S)
    assert len(steps) == 5
    current = [step for step in steps if 'aria-current="step"' in step]
    if phase is Phase.UPCOMING:
        assert not current
        assert "The consultation has not started yet." in page
    else:
        assert len(current) == 1
        assert phase.label in current[0] and "current phase" in current[0]
    links = f'href="/proposals/new?consultation={consultation.id}"'
    assert (links in page) == (phase is Phase.PROPOSALS)


def test_timeline_gives_each_phase_its_date_range():
    consultation = Consultation(title="t", summary="s", proposals_from=START,
                                review_from=START + timedelta(days=10),
                                deliberation_from=START + timedelta(days=20),
                                voting_from=START + timedelta(days=30),
                                results_from=START + timedelta(days=40))
    steps = services.timeline(consultation, START + timedelta(days=10))
    assert [s.phase for s in steps] == [Phase.PROPOSALS, Phase.REVIEW, Phase.DELIBERATION,
                                        Phase.VOTING, Phase.RESULTS]
    assert steps[0].start == START and steps[0].end == START + timedelta(days=9)
    assert steps[-1].end is None
    assert [s.is_current for s in steps] == [False, True, False, False, False]
    assert services.next_phase_start(consultation, START + timedelta(days=10)) == \
        START + timedelta(days=20)
    assert services.next_phase_start(consultation, START + timedelta(days=99)) is None


def test_description_is_escaped_with_line_breaks(client):
    consultation = make_consultation(
        "proposals", description="Linia 1\nLinia 2\n\n<script>alert(1)</script>")
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "<p>Linia 1<br>Linia 2</p>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_paragraphs_split_plain_text():
    assert services.paragraphs("a\r\nb\n\n\n c \n") == [["a", "b"], ["c"]]
    assert services.paragraphs("") == []
    assert services.paragraphs(None) == []


def test_today_is_the_real_date():
    assert clock.today() == date.today()


def test_unknown_consultation_is_404(client):
    assert client.get("/consultations/999").status_code == 404


def test_page_in_polish_formats_dates(client):
    consultation = _dated()
    client.post("/language", data={"locale": "pl"})
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "1 mar 2030" in page


# -- staff: create and edit ----------------------------------------------------------------


def test_staff_create_a_consultation(client, auth):
    staff = auth.login_as(Role.STAFF)
    response = client.post("/consultations/new", data=_form())
    assert response.status_code == 303
    consultation = db.session.scalar(select(Consultation))
    assert response.headers["Location"] == f"/consultations/{consultation.id}"
    assert consultation.created_by_id == staff.id
    assert consultation.review_from == date(2030, 3, 15)
    assert consultation.support_threshold == 50
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "consultation.create", staff.id, consultation.id)
    assert entry.details == {"title": consultation.title}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Drugi akapit &lt;b&gt;pogrubiony&lt;/b&gt;." in page


def test_staff_edit_a_consultation(client, auth):
    consultation = make_consultation("proposals")
    auth.login_as(Role.STAFF)
    form = client.get(f"/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert f'value="{consultation.title}"' in form
    response = client.post(f"/consultations/{consultation.id}/edit",
                           data=_form(title="  Nowy tytuł  "))
    assert response.status_code == 303
    db.session.refresh(consultation)
    assert consultation.title == "Nowy tytuł"
    assert consultation.proposals_from == date(2030, 3, 1)
    entry = last_entry()
    assert (entry.action, entry.target_id) == ("consultation.update", consultation.id)
    assert entry.details["title"] == "Nowy tytuł"
    assert {"title", "proposals_from", "support_threshold"} <= set(entry.details["changed"])
    unchanged = client.post(f"/consultations/{consultation.id}/edit",
                            data=_form(title="Nowy tytuł"))
    assert unchanged.status_code == 303
    assert audit_actions() == ["consultation.update"], "a save that changes nothing is not logged"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": " "}, "Enter a title."),
    ({"summary": ""}, "Write a short summary."),
    ({"title": "x" * 201}, "at most 200 characters"),
    ({"proposals_from": ""}, "Enter the day proposals open."),
    ({"review_from": "31.03.2030"}, "Enter a date like 2026-03-31."),
    ({"review_from": "2030-03-01"}, "The review must start after the day proposals open."),
    ({"deliberation_from": "2030-03-10"},
     "The deliberation must start after the review starts."),
    ({"voting_from": "2030-04-01"}, "Voting must start after the deliberation starts."),
    ({"results_from": "2030-04-14"}, "The results must come after voting starts."),
    ({"support_threshold": "0"}, "Enter a whole number from 1 to 100 000."),
    ({"support_threshold": "-5"}, "Enter a whole number from 1 to 100 000."),
    ({"support_threshold": "2.5"}, "Enter a whole number, like 50."),
    ({"support_threshold": ""}, "Enter how many supports a proposal needs."),
])
def test_bad_input_is_refused_and_kept(client, auth, overrides, message):
    auth.login_as(Role.STAFF)
    response = client.post("/consultations/new", data=_form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error-summary"' in page
    assert page.count('class="field-error"') == 1
    kept = _form(**overrides)
    assert f'value="{kept["title"].strip()}"' in page
    assert f'{kept["summary"]}</textarea>' in page
    assert _count() == 0
    assert audit_actions() == []


def test_editing_with_bad_dates_changes_nothing(client, auth):
    consultation = _dated()
    auth.login_as(Role.STAFF)
    response = client.post(f"/consultations/{consultation.id}/edit",
                           data=_form(title="Zmieniony", results_from="2030-01-01"))
    assert response.status_code == 200
    db.session.refresh(consultation)
    assert consultation.title == "Budżet 2030"


def test_residents_cannot_create_or_edit(client, auth):
    consultation = make_consultation("proposals")
    auth.login_as(Role.MODERATOR)
    assert client.get("/consultations/new").status_code == 403
    assert client.post("/consultations/new", data=_form()).status_code == 403
    assert client.post(f"/consultations/{consultation.id}/edit",
                       data=_form(title="Przejęte")).status_code == 403
    db.session.refresh(consultation)
    assert consultation.title != "Przejęte"
    assert _count() == 1
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "/edit" not in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/consultations/new")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
