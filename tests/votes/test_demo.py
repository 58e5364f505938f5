"""The demo city's budget vote: the demo resident can vote, staff can record a paper ballot."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.consultations.models import Consultation
from app.demo.census import PAPER_VOTERS
from app.demo.services import DEMO_PASSWORD
from app.demo.voting import VOTING_TITLE
from app.extensions import db
from app.proposals.models import Proposal
from app.votes import services
from tests.votes.helpers import ballots_of


def test_the_demo_resident_votes_and_staff_record_paper(runner, client, auth):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    consultation = db.session.scalar(select(Consultation).where(
        Consultation.title == VOTING_TITLE))
    resident = db.session.scalar(select(User).where(User.email == "resident@wrzosow.example"))
    assert resident.is_verified
    assert services.not_open_reason(consultation, services.get_settings(consultation)) is None

    auth.login("resident@wrzosow.example", DEMO_PASSWORD)
    page = client.get(f"/consultations/{consultation.id}/vote").get_data(as_text=True)
    # The demo accounts speak Polish.
    assert "Projekty ogólnomiejskie" in page
    assert "Projekty w Twojej dzielnicy: Stare Miasto" in page
    assert f"/consultations/{consultation.id}/vote" in client.get(
        f"/consultations/{consultation.id}").get_data(as_text=True)
    workshop = db.session.scalar(select(Proposal).where(
        Proposal.consultation_id == consultation.id, Proposal.title.startswith("Warsztat")))
    assert client.post(f"/consultations/{consultation.id}/vote/cast",
                       data={"proposal": [str(workshop.id)]}).status_code == 303
    garden = db.session.scalar(select(Proposal).where(Proposal.title.startswith("Ogród")))
    auth.logout()

    auth.login("staff@wrzosow.example", DEMO_PASSWORD)
    url = f"/consultations/{consultation.id}/voting/paper"
    data = {"pesel": PAPER_VOTERS[0][0], "step": "review", "proposal": [str(garden.id)]}
    other_district = client.post(url, data=data)  # the garden is not in Stare Miasto
    assert other_district.status_code == 422
    assert "nie jest na Twojej karcie" in other_district.get_data(as_text=True)
    cafes = db.session.scalar(select(Proposal).where(Proposal.title.startswith("Sieć")))
    data["proposal"] = [str(cafes.id)]
    assert client.post(url, data=data).status_code == 200
    assert client.post(f"{url}/record", data=data).status_code == 303
    assert len(ballots_of(consultation)) == 2
    # Loading again adds nothing.
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(db.func.count()).select_from(Consultation).where(
        Consultation.title == VOTING_TITLE)) == 1
