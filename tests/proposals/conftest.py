"""Fixtures for the proposals' tests: an open consultation, goals and a valid form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import clock
from tests.factories import make_consultation, make_district, make_goal


@pytest.fixture
def consultation(app):
    """A consultation in its proposals phase today."""
    return make_consultation("proposals")


@pytest.fixture
def goals(app):
    """Two goals, the first with two objectives: [goal 1, 1.1, 1.2, goal 2]."""
    first = make_goal("1", title="Zielona energia")
    return [first, make_goal("1.1", parent=first, title="Fotowoltaika"),
            make_goal("1.2", parent=first, title="Sieci niskiego napięcia"),
            make_goal("2", title="Praca dla mieszkańców")]


@pytest.fixture
def district(app):
    return make_district("Śródmieście")


@pytest.fixture
def form_data(consultation, goals, district):
    """A complete, valid proposal form; tests change one field at a time."""

    def build(**changes) -> dict:
        data = {
            "consultation": str(consultation.id),
            "title": "Zieleń na dachach",
            "body": "Spółdzielnia zakłada **zielone dachy** na blokach.\n\n- mech\n- trawa",
            "sector": "retrofit",
            "district": str(district.id),
            "estimated_cost": "250 000,50",
            "expected_jobs": "12",
            "goals": [str(goals[0].id), str(goals[1].id)],
            "coauthors": "",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return build


@pytest.fixture
def shift_days(monkeypatch):
    """Move the platform's "today" by some days (phases change)."""

    def shift(days: int) -> None:
        monkeypatch.setattr(clock, "today", lambda: date.today() + timedelta(days=days))

    return shift


@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read English text."""
    yield
