"""CSV exports: UTF-8 with BOM, RFC 4180 quoting, no formulas, streamed, only public rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from app.api import exports
from app.consultations.models import IndicatorValue
from app.extensions import db
from app.proposals.models import ProposalStatus
from tests.factories import make_consultation, make_goal, make_indicator, make_proposal


def _rows(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="agora-')
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\",\"x\")", "+48 123", "-1+1",
                                   "@SUM(A1)", "\t=1"])
def test_cells_that_would_start_a_formula_are_made_text(client, users, value):
    make_proposal(make_consultation("proposals"), users(), title=value, body_markdown=value)
    row = _rows(client, "/api/v1/exports/proposals.csv")[0]
    assert row["title"] == "'" + value
    assert row["body_markdown"] == "'" + value


def test_safe_cell_leaves_numbers_and_plain_text():
    assert exports.safe_cell(-5) == -5
    assert exports.safe_cell(Decimal("-2.50")) == "-2.5"
    assert exports.safe_cell("Zieleń = życie") == "Zieleń = życie"
    assert exports.safe_cell(None) == ""


def test_proposals_export_quotes_and_keeps_polish_text(client, users):
    consultation = make_consultation("proposals", title="Budżet, 2027")
    goal = make_goal("4")
    author = users(name="Zofia Żółć")
    proposal = make_proposal(consultation, author, goals=[goal],
                             title='Dach "zielony", etap 1',
                             body_markdown="Linia pierwsza\nlinia druga; średnik",
                             estimated_cost=Decimal("99999.5"))
    make_proposal(consultation, author, status=ProposalStatus.DRAFT, title="Szkic")
    rows = _rows(client, "/api/v1/exports/proposals.csv")
    assert [row["id"] for row in rows] == [str(proposal.id)]
    row = rows[0]
    assert list(row) == list(exports.PROPOSAL_COLUMNS)
    assert row["title"] == 'Dach "zielony", etap 1'
    assert row["consultation"] == "Budżet, 2027"
    assert row["body_markdown"] == "Linia pierwsza\nlinia druga; średnik"
    assert row["estimated_cost"] == "99999.50"
    assert row["goals"] == "4" and row["authors"] == "Zofia Żółć"
    assert row["url"].endswith(f"/proposals/{proposal.id}")


def test_proposals_of_one_consultation(client, users):
    first, second = make_consultation("proposals"), make_consultation("proposals")
    mine = make_proposal(first, users())
    make_proposal(second, users())
    rows = _rows(client, f"/api/v1/exports/proposals.csv?consultation={first.id}")
    assert [row["id"] for row in rows] == [str(mine.id)]
    assert client.get("/api/v1/exports/proposals.csv?sector=mining").status_code == 400


def test_a_long_export_is_streamed_in_chunks(client, users, monkeypatch, count_queries):
    monkeypatch.setattr(exports, "CHUNK", 4)
    consultation = make_consultation("proposals")
    author = users()
    made = [make_proposal(consultation, author).id for _ in range(10)]
    response = client.get("/api/v1/exports/proposals.csv")
    assert response.is_streamed
    with count_queries() as counted:
        rows = _rows(client, "/api/v1/exports/proposals.csv")
    assert [int(row["id"]) for row in rows] == made
    # Chunks of 4, 4 and 2 rows against one of 10: two more chunks, five queries each
    # (proposals, consultation titles, co-authors, goals, pledges), whatever their size.
    monkeypatch.setattr(exports, "CHUNK", 20)
    with count_queries() as fewer:
        _rows(client, "/api/v1/exports/proposals.csv")
    assert counted["count"] - fewer["count"] == 2 * 5


def test_goals_and_indicators_exports(client):
    goal = make_goal("1", title="Energia")
    objective = make_goal("1.1", parent=goal, title="=Fotowoltaika")
    indicator = make_indicator(objective, name="Moc", unit="MW", baseline=Decimal("4.20"))
    make_indicator(goal, name="Bez wartości")
    db.session.add_all([IndicatorValue(indicator_id=indicator.id, year=2022, value=Decimal("5")),
                        IndicatorValue(indicator_id=indicator.id, year=2021,
                                       value=Decimal("-0.5"))])
    db.session.commit()
    goals = _rows(client, "/api/v1/exports/goals.csv")
    assert [(row["code"], row["parent_code"]) for row in goals] == [("1", ""), ("1.1", "1")]
    assert goals[1]["title"] == "'=Fotowoltaika"
    assert goals[1]["url"].endswith("/strategy/1.1")
    indicators = _rows(client, "/api/v1/exports/indicators.csv")
    assert [(row["goal_code"], row["indicator"], row["year"], row["value"])
            for row in indicators] == [("1", "Bez wartości", "", ""),
                                       ("1.1", "Moc", "2021", "-0.5"), ("1.1", "Moc", "2022", "5")]
    assert indicators[1]["baseline"] == "4.2"


def test_consultations_export(client):
    consultation = make_consultation("review", title="Konsultacje 2027")
    rows = _rows(client, "/api/v1/exports/consultations.csv")
    assert rows[0]["title"] == "Konsultacje 2027" and rows[0]["phase"] == "review"
    assert rows[0]["proposals_from"] == consultation.proposals_from.isoformat()
    assert rows[0]["url"].endswith(f"/consultations/{consultation.id}")


def test_empty_exports_still_have_a_header(client):
    text = client.get("/api/v1/exports/proposals.csv").get_data().decode("utf-8-sig")
    assert text == ",".join(exports.PROPOSAL_COLUMNS) + "\r\n"
