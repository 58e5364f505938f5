"""The demo city's participatory budget in its voting phase: a tester can vote with the
verified demo resident and record paper ballots as staff. Fictional throughout."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.accounts.models import Role, User
from app.consultations.models import Consultation, District
from app.db_types import utcnow
from app.demo.consultation import DISTRICTS
from app.extensions import db
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalStatus, ProposalStatusChange, Sector
from app.text import fold, render_markdown
from app.votes.models import DistrictPool, VotingMethod, VotingSettings

VOTING_TITLE = "Budżet obywatelski Wrzosowa 2027"
CITY_BUDGET = Decimal("1500000")
DISTRICT_POOL = Decimal("300000")

# (title, sector, district name or None for city-wide, cost, body)
PROJECTS = [
    ("Miejska spółdzielnia energetyczna: panele na szkołach", Sector.ENERGY, None, "900000",
     "Panele fotowoltaiczne na dachach pięciu szkół, prąd dla szkół i sąsiednich bloków."),
    ("Sieć kawiarenek naprawczych", Sector.REPAIR, None, "350000",
     "Pięć punktów, w których naprawia się sprzęt, ubrania i rowery."),
    ("Cyfrowi seniorzy w każdej bibliotece", Sector.DIGITAL, None, "250000",
     "Zajęcia z obsługi telefonu, bankowości i e-urzędu dla osób starszych."),
    ("Spółdzielcza stołówka z lokalnej żywności", Sector.FOOD, None, "600000",
     "Obiady dla szkół i seniorów z produktów rolników z okolicy."),
    ("Ocieplenie bloku przy Hutniczej 12", Sector.RETROFIT, "Osiedle Hutnicze", "280000",
     "Termomodernizacja z udziałem mieszkańców jako członków spółdzielni."),
    ("Ogród społeczny na dawnym placu składowym", Sector.LAND, "Osiedle Hutnicze", "120000",
     "Rekultywacja placu i ogród warzywny prowadzony przez sąsiadów."),
    ("Opieka wytchnieniowa na Starym Mieście", Sector.CARE, "Stare Miasto", "200000",
     "Dzienna opieka nad osobami starszymi, by odciążyć rodziny."),
    ("Warsztat rowerowy przy rynku", Sector.REPAIR, "Stare Miasto", "90000",
     "Naprawa i wypożyczalnia rowerów, praca dla osób długotrwale bezrobotnych."),
    ("Zielone podwórka Kolejowej", Sector.LAND, "Kolejowa", "150000",
     "Odnowa trzech podwórek z retencją wody deszczowej."),
]


def load_voting(password_hash: str) -> bool:
    """Add the budget vote unless it is there already; returns whether it was added.

    The voters are on the demo census (app/demo/census.py, loaded first): the demo resident
    is verified there, and two people without accounts can be recorded on paper.
    """
    if db.session.scalar(select(Consultation).where(Consultation.title == VOTING_TITLE)):
        return False
    today = clock.today()
    now = utcnow()
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))
    districts = {d.name: d for d in db.session.scalars(
        select(District).where(District.name.in_(DISTRICTS)))}
    consultation = Consultation(
        title=VOTING_TITLE,
        summary="Wybierz projekty spółdzielni, które miasto sfinansuje: pula ogólnomiejska "
                "i pula Twojej dzielnicy.",
        description="Głosowanie przykładowe: zagłosuj demonstracyjnym kontem mieszkańca "
                    "zweryfikowanego na liście mieszkańców (konta: zob. README).\n\n"
                    "To są dane przykładowe.",
        proposals_from=today - timedelta(days=60), review_from=today - timedelta(days=45),
        deliberation_from=today - timedelta(days=30), voting_from=today - timedelta(days=3),
        results_from=today + timedelta(days=11), support_threshold=5,
        created_by_id=staff.id if staff else None)
    db.session.add(consultation)
    db.session.flush()
    record(staff, "consultation.create", "consultation", consultation.id,
           details={"title": VOTING_TITLE})
    author = db.session.scalar(select(User).where(User.email == "mieszkaniec1@wrzosow.example"))
    for title, sector, district_name, cost, body in PROJECTS:
        markdown = f"{body}\n\n_Projekt przykładowy._"
        district = districts.get(district_name) if district_name else None
        proposal = Proposal(
            consultation_id=consultation.id, author_id=author.id if author else None,
            title=title, body_markdown=markdown, body_html=str(render_markdown(markdown)),
            sector=sector, district_id=district.id if district else None,
            estimated_cost=Decimal(cost), expected_jobs=3, status=ProposalStatus.ACCEPTED,
            search_text=fold(f"{title} {markdown}"), created_at=now, updated_at=now)
        db.session.add(proposal)
        db.session.flush()
        db.session.add(ProposalStatusChange(proposal_id=proposal.id,
                                            status=ProposalStatus.ACCEPTED, changed_at=now,
                                            changed_by_id=staff.id if staff else None))
        record(staff, "proposal.status", "proposal", proposal.id,
               details={"from": "submitted", "to": "accepted"})
    settings = VotingSettings(
        consultation_id=consultation.id, method=VotingMethod.BUDGET, city_budget=CITY_BUDGET,
        min_picks=1, max_picks=5, tally_rule="equalshares/add1", verification_required=True,
        minimum_age=16)
    db.session.add(settings)
    db.session.flush()
    pools = {}
    for name in ("Stare Miasto", "Osiedle Hutnicze", "Kolejowa"):
        if name in districts:
            db.session.add(DistrictPool(consultation_id=consultation.id,
                                        district_id=districts[name].id, amount=DISTRICT_POOL))
            pools[str(districts[name].id)] = f"{DISTRICT_POOL:.2f}"
    record(staff, "vote.settings", "consultation", consultation.id, details={
        "created": True, "method": "budget", "approval_max": None,
        "city_budget": f"{CITY_BUDGET:.2f}", "min_picks": 1, "max_picks": 5,
        "tally_rule": "equalshares/add1", "verification_required": True, "minimum_age": 16,
        "districts": [], "pools": pools, "questions": 0})

    db.session.flush()
    return True
