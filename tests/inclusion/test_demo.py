"""The demo city's inclusion data: a population table, a dashboard with cells both shown and
suppressed, and an open panel call whose draw works."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.demo.inclusion import PANEL_TITLE
from app.extensions import db
from app.inclusion import dashboard, draw, panels
from app.inclusion.dashboard import Activity
from app.inclusion.models import Panel, PopulationCount


def test_demo_has_population_and_a_dashboard_with_real_suppression(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(PopulationCount)) == 40
    data = dashboard.dashboard(None)
    supporters = next(r for r in data["reports"] if r.role is Activity.SUPPORTERS)
    cells = [cell for b in supporters.breakdowns for cell in b.cells]
    assert any(cell.count is not None and cell.count >= 10 for cell in cells)
    assert any(cell.count is None for cell in cells)
    commenters = next(r for r in data["reports"] if r.role is Activity.COMMENTERS)
    assert commenters.counted < dashboard.SUPPRESS_BELOW  # nobody who comments gave a profile
    page = client.get("/inclusion/").get_data(as_text=True)
    assert "ukryte" in page
    assert client.get("/inclusion/population").status_code == 200


@pytest.mark.skipif(not draw.available(), reason="the optional sortition library is missing")
def test_demo_panel_call_is_open_with_volunteers_and_drawable_quotas(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    panel = db.session.scalar(select(Panel).where(Panel.title == PANEL_TITLE))
    assert panel.is_open
    assert len(panels.volunteers(panel)) >= 20
    assert panels.quota_problems(panel) == []
    result = draw.run_draw(panels.pool_rows(panel), panels.draw_quotas(panel), panel.size, 1)
    rows = [row for row in panels.pool_rows(panel) if int(row["number"]) in result.selected]
    assert len(rows) == panel.size and draw.quotas_met(rows, panels.draw_quotas(panel))
