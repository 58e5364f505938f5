"""The demo city's funded projects of a past consultation, with implementation under way."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.consultations.models import Consultation
from app.demo.implementation import TITLE
from app.extensions import db
from app.implementation import services
from app.implementation.models import ImplementationUpdate


def test_demo_has_funded_projects_with_updates_and_a_cooperative_stage(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    consultation = db.session.scalar(select(Consultation).where(Consultation.title == TITLE))
    rollup, rows = services.consultation_rollup(consultation)
    assert len(rows) == 4 and rollup.cancelled == 1
    # (480 000 * 55 + 120 000 * 100 + 200 000 * 20) / 800 000 = 53%
    assert rollup.progress == Decimal(53)
    assert any(row.cooperative_stage for row in rows)
    assert db.session.scalar(select(func.count()).select_from(ImplementationUpdate)) == 7
    page = client.get(f"/consultations/{consultation.id}/implementation")
    assert page.status_code == 200
    assert [s.goal.code for s in services.goal_summaries(consultation)] == ["1", "2", "3"]
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # loading again adds nothing
    assert db.session.scalar(select(func.count()).select_from(ImplementationUpdate)) == 7
