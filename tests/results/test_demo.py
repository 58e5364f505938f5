"""The demo city has a closed, published participatory budget: its .pb recounts (pabutools and
scripts/recount.py) to the selected list of its open-data results."""

from __future__ import annotations

from sqlalchemy import select

from app.consultations.models import Consultation
from app.demo.results import BALLOTS, PAPER, RESULTS_TITLE
from app.extensions import db
from app.moderation.models import AuditEntry
from app.results import services
from app.votes.tally.election import natural_key
from tests.results.recounting import with_pabutools, with_script


def test_the_demo_budget_is_published_by_two_staff_and_recounts(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    consultation = db.session.scalar(select(Consultation).where(
        Consultation.title == RESULTS_TITLE))
    publication = services.current(consultation.id)
    assert publication.number == 1
    assert publication.proposed_by_id != publication.approved_by_id
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "consultation", AuditEntry.target_id == consultation.id)
        .order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["results.propose", "results.publish"]

    data = client.get(f"/api/v1/consultations/{consultation.id}/results").get_json()
    assert data["ballots_online"] + data["ballots_paper"] == BALLOTS
    assert data["ballots_paper"] == PAPER and data["voter_roll"] == BALLOTS
    assert data["selected"]
    recounted = []
    for pool in data["pools"]:
        key = "city" if pool["district_id"] is None else str(pool["district_id"])
        text = client.get(f"/api/v1/consultations/{consultation.id}/ballots.pb",
                          query_string={"pool": key}).get_data(as_text=True)
        expected = sorted((str(p) for p in pool["selected"]), key=natural_key)
        assert with_pabutools(text, data["rule"]) == expected
        assert with_script(text) == expected
        recounted += [int(p) for p in expected]
    # The default pool is the city-wide one.
    city = client.get(f"/api/v1/consultations/{consultation.id}/ballots.pb")
    assert with_pabutools(city.get_data(as_text=True), data["rule"]) == sorted(
        (str(p) for p in data["pools"][0]["selected"]), key=natural_key)
    assert sorted(recounted) == sorted(data["selected"])

    page = client.get(f"/consultations/{consultation.id}/results")
    assert page.status_code == 200
    assert client.get(f"/consultations/{consultation.id}/results/receipts").status_code == 200
