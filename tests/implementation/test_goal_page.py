"""The goal page: indicator trend charts, funded amounts, progress and (published) votes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.consultations.models import IndicatorValue
from app.extensions import db
from app.implementation.models import ImplementationStatus
from tests.factories import make_consultation, make_goal, make_indicator, make_proposal
from tests.implementation.helpers import funded


def _values(indicator, *pairs) -> None:
    for year, value in pairs:
        db.session.add(IndicatorValue(indicator_id=indicator.id, year=year, value=Decimal(value)))
    db.session.commit()


def test_indicator_chart_with_title_description_and_table(client, in_english):
    goal = make_goal("5", title="Energia")
    indicator = make_indicator(goal, name="Udział OZE <i>", unit="%", baseline=Decimal("10"),
                               target=Decimal("30"))
    _values(indicator, (2020, "10"), (2022, "14.5"), (2024, "19"))
    page = client.get("/strategy/5").get_data(as_text=True)
    chart = page[page.index(f'id="indicator-chart-{indicator.id}-title"') - 300:]
    chart = chart[:chart.index("</svg>")]
    assert 'role="img"' in chart
    assert f'aria-labelledby="indicator-chart-{indicator.id}-title' in chart
    assert "Trend: Udział OZE &lt;i&gt;" in chart and "<i>" not in chart
    assert "From 10 in 2020 to 19 in 2024 (%)." in chart
    assert "baseline 10 (dashed line); target 30 (dotted line)." in chart
    assert chart.count("<circle") == 3 and "chart-baseline" in chart and "chart-target" in chart
    # The same numbers in a table.
    assert '<th scope="row">2022</th><td class="number">14.5</td>' in page
    assert "<script" not in chart


def test_funded_proposals_show_amount_and_progress(client, in_english):
    goal = make_goal("6")
    consultation = make_consultation("results")
    funded(consultation, cost="120000", goals=[goal], progress=25, title="Wiatraki")
    make_proposal(consultation, goals=[goal], title="Nie wybrany")
    page = client.get("/strategy/6").get_data(as_text=True)
    row = page[page.index("Wiatraki"):]
    row = row[:row.index("</tr>")]
    assert "25%" in row and "In progress" in row and "120,000" in row
    other = page[page.index("Nie wybrany"):]
    assert "—" in other[:other.index("</tr>")]
    assert "Progress weighted by cost" in page and "25.0%" in page
    assert "counts in full under each of them" in page
    assert ">Votes<" not in page  # no published result: no votes column


def test_votes_come_from_the_published_result_only(client, in_english):
    from app.db_types import utcnow
    from app.extensions import db
    from app.results.models import Publication

    goal = make_goal("7")
    consultation = make_consultation("results")
    proposal = funded(consultation, cost="1000", goals=[goal], progress=0)
    snapshot = {"details": {"pools": [{"votes": {str(proposal.id): 4321}}]}}
    draft = Publication(consultation_id=consultation.id, number=None, snapshot=snapshot,
                        answers={})
    db.session.add(draft)
    db.session.commit()
    assert ">Votes<" not in client.get("/strategy/7").get_data(as_text=True)  # not published
    draft.number, draft.published_at = 1, utcnow()
    db.session.commit()
    page = client.get("/strategy/7").get_data(as_text=True)
    assert ">Votes<" in page and "4,321" in page


def test_goal_without_funded_projects(client, in_english):
    make_goal("9")
    assert "No funded project serves this goal yet." in client.get("/strategy/9").get_data(
        as_text=True)


@pytest.mark.parametrize("state", [None, ImplementationStatus.IN_PROGRESS])
def test_goal_page_query_count_stays_constant_with_funded_projects(client, count_queries, state):
    goal = make_goal("8")
    consultation = make_consultation("results")

    def fill(count: int) -> None:
        for _ in range(count):
            funded(consultation, cost="1000", goals=[goal],
                   progress=None if state is None else 30, status=state or
                   ImplementationStatus.PLANNED)
            indicator = make_indicator(goal)
            _values(indicator, (2021, "1"), (2022, "2"))

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/strategy/8").status_code == 200
        return counter["count"]

    fill(3)
    few = measure()
    fill(30)
    assert measure() == few


def test_the_consultation_page_links_to_implementation_once_results_are_in(client, in_english):
    done = make_consultation("results")
    voting = make_consultation("voting")
    link = "Implementation of the funded projects"
    assert link in client.get(f"/consultations/{done.id}").get_data(as_text=True)
    assert link not in client.get(f"/consultations/{voting.id}").get_data(as_text=True)
