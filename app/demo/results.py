"""The demo city's last participatory budget, closed and published: its results page, the
receipts list, the .pb files and the open-data results can be tried on `make run`.

Forty synthetic ballots (fixed choices from a seeded generator, random ballot ids and receipt
codes as in a real vote), six of them on paper. The result is published the way the city would:
proposed by the staff account and approved by the administrator (a second staff member), both
in the audit log. Fictional throughout.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app import clock
from app.accounts.models import Role, User
from app.consultations.models import Consultation, District
from app.db_types import utcnow
from app.demo.consultation import DISTRICTS
from app.extensions import db
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalStatus, ProposalStatusChange, Sector
from app.results import services as results
from app.text import fold, render_markdown
from app.votes import services as votes
from app.votes.models import (
    Ballot,
    Channel,
    DistrictPool,
    VoterRoll,
    VotingMethod,
    VotingSettings,
)

RESULTS_TITLE = "Budżet obywatelski Wrzosowa 2026 (wyniki)"
CITY_BUDGET = Decimal("1000000")
DISTRICT = "Stare Miasto"
DISTRICT_POOL = Decimal("200000")
BALLOTS = 40
PAPER = 6

# (title, sector, in the district pool?, cost)
PROJECTS = [
    ("Magazyn energii przy spółdzielni mieszkaniowej", Sector.ENERGY, False, "600000"),
    ("Publiczne punkty ładowania rowerów elektrycznych", Sector.ENERGY, False, "400000"),
    ("Szkoła naprawy sprzętu dla młodzieży", Sector.REPAIR, False, "300000"),
    ("Bank żywności z lokalnych gospodarstw", Sector.FOOD, False, "120000"),
    ("Ławki i cień na rynku", Sector.LAND, True, "120000"),
    ("Klub opiekunów osób starszych", Sector.CARE, True, "90000"),
]


def _choices(rng: random.Random, ids: list[int], in_district: bool) -> list[int]:
    """Two groups of voters, as in many cities: most want the energy projects, a large
    minority the repair school and the food bank. Counting votes alone would fund only the
    first group's two projects; Equal Shares funds one of them and the minority's two."""
    if rng.random() < 0.6:
        picks = [ids[0], ids[1]] if rng.random() < 0.8 else [ids[1]]
    else:
        picks = [ids[2], ids[3]] if rng.random() < 0.8 else [ids[2]]
    if in_district:
        picks.append(ids[4] if rng.random() < 0.75 else ids[5])
    return picks


def load_results() -> bool:
    """Add the published budget unless it is there already; returns whether it was added."""
    if db.session.scalar(select(Consultation).where(Consultation.title == RESULTS_TITLE)):
        return False
    today = clock.today()
    now = utcnow()
    staff = db.session.scalar(select(User).where(User.email == "staff@wrzosow.example"))
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    author = db.session.scalar(select(User).where(User.email == "mieszkaniec2@wrzosow.example"))
    districts = {d.name: d for d in db.session.scalars(
        select(District).where(District.name.in_(DISTRICTS)))}
    district = districts.get(DISTRICT)
    consultation = Consultation(
        title=RESULTS_TITLE,
        summary="Głosowanie zakończone, wyniki opublikowane: zobacz, co zostanie "
                "sfinansowane i sprawdź liczenie głosów samodzielnie.",
        description="Głosowanie przykładowe z 40 kartami (dane syntetyczne). Wyniki są "
                    "policzone metodą równych udziałów i opublikowane przez dwie osoby z "
                    "urzędu.\n\nTo są dane przykładowe.",
        proposals_from=today - timedelta(days=120), review_from=today - timedelta(days=100),
        deliberation_from=today - timedelta(days=80), voting_from=today - timedelta(days=40),
        results_from=today - timedelta(days=20), support_threshold=5,
        created_by_id=staff.id if staff else None)
    db.session.add(consultation)
    db.session.flush()
    record(staff, "consultation.create", "consultation", consultation.id,
           details={"title": RESULTS_TITLE})
    ids = []
    for title, sector, in_district, cost in PROJECTS:
        markdown = f"{title}.\n\n_Projekt przykładowy._"
        proposal = Proposal(
            consultation_id=consultation.id, author_id=author.id if author else None,
            title=title, body_markdown=markdown, body_html=str(render_markdown(markdown)),
            sector=sector, district_id=district.id if in_district and district else None,
            estimated_cost=Decimal(cost), expected_jobs=2, status=ProposalStatus.ACCEPTED,
            search_text=fold(f"{title} {markdown}"), created_at=now, updated_at=now)
        db.session.add(proposal)
        db.session.flush()
        db.session.add(ProposalStatusChange(proposal_id=proposal.id,
                                            status=ProposalStatus.ACCEPTED, changed_at=now,
                                            changed_by_id=staff.id if staff else None))
        ids.append(proposal.id)
    db.session.add(VotingSettings(
        consultation_id=consultation.id, method=VotingMethod.BUDGET, city_budget=CITY_BUDGET,
        min_picks=1, max_picks=5, tally_rule="equalshares/add1", verification_required=True,
        minimum_age=16))
    db.session.flush()
    if district is not None:
        db.session.add(DistrictPool(consultation_id=consultation.id, district_id=district.id,
                                    amount=DISTRICT_POOL))
    rng = random.Random(2026)  # noqa: S311 - synthetic choices, not secrets
    names = list(districts.values())
    hour = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=25)
    for number in range(BALLOTS):
        home = names[number % len(names)] if names else None
        channel = Channel.PAPER if number < PAPER else Channel.ONLINE
        in_district = home is not None and district is not None and home.id == district.id
        db.session.add(VoterRoll(consultation_id=consultation.id, district_id=home.id
                                 if home else None, channel=channel, recorded_hour=hour))
        db.session.add(Ballot(
            id=secrets.token_hex(16), consultation_id=consultation.id,
            district_id=home.id if home else None, channel=channel, cast_hour=hour,
            receipt_hash=None if channel is Channel.PAPER
            else votes.receipt_hash(votes.new_receipt()),
            choices={"proposals": _choices(rng, ids, in_district)}))
    db.session.commit()
    votes.close_voting(consultation, staff)
    result = votes.get_result(consultation)
    answers = results.default_answers(result, results.ballot_options(consultation.id))
    with current_app.test_request_context("/"):  # the authors' notifications link to pages
        publication = results.propose(consultation, staff, answers)
        if publication.published_at is None:
            results.approve(consultation, publication.id, admin)
    return True
