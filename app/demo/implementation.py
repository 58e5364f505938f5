"""The demo's funded projects of a past consultation, with their implementation so far.

A finished consultation ("Budżet spółdzielczy 2025") whose selected projects show every kind
of state: in progress with dated staff updates, a cooperative on its way to registration, one
done and one cancelled (left out of the roll-up). Fictional data, labelled so.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.accounts.models import Role, User
from app.consultations.models import Consultation, StrategyGoal
from app.db_types import utcnow
from app.extensions import db
from app.implementation.models import (
    CooperativeStage,
    ImplementationStatus,
    ImplementationUpdate,
    ProjectImplementation,
)
from app.moderation.audit import record
from app.proposals.models import (
    Proposal,
    ProposalGoal,
    ProposalStatusChange,
    Sector,
)
from app.proposals.models import (
    ProposalStatus as PS,
)
from app.text import fold, render_markdown

TITLE = "Budżet spółdzielczy 2025"

S, C = ImplementationStatus, CooperativeStage
# (title, sector, cost, goal codes, [(days ago, status, progress, stage, text)])
PROJECTS = [
    ("Spółdzielnia energetyczna „Słoneczne Dachy”", Sector.ENERGY, "480000", ["1.1", "2.1"], [
        (150, S.IN_PROGRESS, 10, C.FOUNDING_GROUP,
         "Grupa założycielska (14 osób) spotkała się pierwszy raz. Wybrano dachy trzech szkół."),
        (90, S.IN_PROGRESS, 35, C.STATUTE,
         "Statut gotowy i przyjęty na zebraniu założycielskim. Trwa przetarg na audyt dachów."),
        (20, S.IN_PROGRESS, 55, C.REGISTRATION,
         "Wniosek o wpis do **KRS** złożony. Audyt dachów zakończony: nośność wystarczy."),
    ]),
    ("Warsztaty naprawy rowerów i sprzętu AGD", Sector.REPAIR, "120000", ["3.3"], [
        (120, S.IN_PROGRESS, 40, None, "Lokal wynajęty, wyposażenie kupione."),
        (30, S.DONE, 100, None,
         "Warsztat działa od poniedziałku do soboty. W pierwszym miesiącu: 212 napraw."),
    ]),
    ("Kursy cyfrowe dla seniorek i seniorów", Sector.DIGITAL, "200000", ["2.3", "3.2"], [
        (60, S.IN_PROGRESS, 20, None,
         "Pierwsze dwie grupy (po 12 osób) zaczęły zajęcia w bibliotece dzielnicowej."),
    ]),
    ("Ogród społeczny na dawnej bocznicy", Sector.LAND, "90000", ["3.1"], [
        (45, S.CANCELLED, 0, None,
         "Projekt anulowany: badanie gruntu wykazało skażenie wymagające najpierw rekultywacji. "
         "Środki wracają do budżetu."),
    ]),
]


def load_implementation() -> bool:
    """Add the finished consultation with its funded projects unless it is there already."""
    if db.session.scalar(select(Consultation).where(Consultation.title == TITLE)):
        return False
    today = clock.today()
    now = utcnow()
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))
    author = db.session.scalar(select(User).where(User.email == "mieszkaniec1@wrzosow.example"))
    goals = {g.code: g for g in db.session.scalars(select(StrategyGoal))}
    consultation = Consultation(
        title=TITLE, summary="Projekty spółdzielni wybrane w zeszłym roku i ich realizacja.",
        description="Konsultacje zakończone: zobacz, jak idzie realizacja wybranych "
                    "projektów.\n\nTo są dane przykładowe.",
        proposals_from=today - timedelta(days=400), review_from=today - timedelta(days=370),
        deliberation_from=today - timedelta(days=350), voting_from=today - timedelta(days=330),
        results_from=today - timedelta(days=300), support_threshold=5,
        created_by_id=staff.id if staff else None)
    db.session.add(consultation)
    db.session.flush()
    record(staff, "consultation.create", "consultation", consultation.id, details={"title": TITLE})
    for title, sector, cost, codes, updates in PROJECTS:
        markdown = "Projekt wybrany do finansowania.\n\n_Projekt przykładowy._"
        last = updates[-1]
        proposal_status = {S.IN_PROGRESS: PS.IN_IMPLEMENTATION, S.DONE: PS.DONE}.get(
            last[1], PS.SELECTED)
        proposal = Proposal(
            consultation_id=consultation.id, author_id=author.id if author else None,
            title=title, body_markdown=markdown, body_html=str(render_markdown(markdown)),
            sector=sector, estimated_cost=Decimal(cost), expected_jobs=4,
            status=proposal_status, search_text=fold(f"{title} {markdown}"),
            created_at=now, updated_at=now)
        db.session.add(proposal)
        db.session.flush()
        for code in codes:
            if code in goals:
                db.session.add(ProposalGoal(proposal_id=proposal.id, goal_id=goals[code].id))
        for status in dict.fromkeys((PS.SELECTED, proposal_status)):
            db.session.add(ProposalStatusChange(proposal_id=proposal.id, status=status,
                                                changed_at=now,
                                                changed_by_id=staff.id if staff else None))
        for days, status, progress, stage, text in updates:
            db.session.add(ImplementationUpdate(
                proposal_id=proposal.id, update_date=today - timedelta(days=days),
                status=status, progress=progress, cooperative_stage=stage,
                text_markdown=text, text_html=str(render_markdown(text)),
                author_id=staff.id if staff else None, created_at=now))
        db.session.add(ProjectImplementation(proposal_id=proposal.id, status=last[1],
                                             progress=last[2], cooperative_stage=last[3],
                                             updated_at=now))
        record(staff, "implementation.update", "proposal", proposal.id,
               details={"to": {"status": last[1].value, "progress": last[2]}, "demo": True})
    db.session.flush()
    return True
