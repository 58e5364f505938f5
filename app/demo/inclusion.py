"""The demo city's inclusion data: the population reference, residents who gave a profile and
take part, and an open call for a citizens' panel with volunteers.

Sized so the dashboard shows both sides of suppression: some groups have ten people or more
and are shown, others (older people, the smaller districts, the commenters) are hidden.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.consultations.models import Consultation, District
from app.db_types import utcnow
from app.extensions import db
from app.inclusion import panels, services
from app.inclusion.models import (
    AgeBand,
    Gender,
    InclusionProfile,
    Panel,
    PanelQuota,
    PanelVolunteer,
    PopulationCount,
    WorkSituation,
)
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalStatus
from app.supports.models import Support

FIRST_NAMES = {
    Gender.FEMALE: ["Alicja", "Beata", "Celina", "Dorota", "Elżbieta", "Franciszka", "Grażyna",
                    "Halina", "Irena", "Joanna", "Krystyna", "Lucyna", "Marta"],
    Gender.MALE: ["Adam", "Bartosz", "Cezary", "Dariusz", "Edward", "Filip", "Henryk",
                  "Ireneusz", "Jacek"],
}
SURNAMES = ["Nowak", "Kaczmarek", "Pawlak", "Michalska", "Król", "Wieczorek", "Jabłońska",
            "Majewski", "Olszewska", "Stępień", "Malinowska", "Górecki"]

# (gender, age band, district index, work situation, how many)
PARTICIPANTS = [
    (Gender.FEMALE, AgeBand.A30_44, 0, WorkSituation.CARING, 8),
    (Gender.FEMALE, AgeBand.A30_44, 1, WorkSituation.CARING, 4),
    (Gender.FEMALE, AgeBand.A30_44, 2, WorkSituation.EMPLOYED, 5),
    (Gender.FEMALE, AgeBand.A45_64, 0, WorkSituation.EMPLOYED, 6),
    (Gender.FEMALE, AgeBand.A45_64, 1, WorkSituation.UNEMPLOYED, 3),
    (Gender.FEMALE, AgeBand.A18_29, 0, WorkSituation.STUDENT, 4),
    (Gender.FEMALE, AgeBand.A18_29, 3, WorkSituation.EMPLOYED, 3),
    (Gender.FEMALE, AgeBand.A65, 2, WorkSituation.RETIRED, 3),
    (Gender.FEMALE, AgeBand.A65, 4, WorkSituation.RETIRED, 2),
    (Gender.MALE, AgeBand.A30_44, 0, WorkSituation.EMPLOYED, 5),
    (Gender.MALE, AgeBand.A30_44, 1, WorkSituation.EMPLOYED, 4),
    (Gender.MALE, AgeBand.A45_64, 2, WorkSituation.EMPLOYED, 4),
    (Gender.MALE, AgeBand.A45_64, 3, WorkSituation.UNEMPLOYED, 2),
    (Gender.MALE, AgeBand.A18_29, 1, WorkSituation.STUDENT, 3),
    (Gender.MALE, AgeBand.A65, 4, WorkSituation.RETIRED, 2),
    (Gender.MALE, AgeBand.A65, 0, WorkSituation.RETIRED, 1),
    (Gender.FEMALE, AgeBand.A18_29, 1, WorkSituation.OTHER, 1),
]
PANEL_TITLE = "Panel obywatelski: energia dla Wrzosowa"
PANEL_SIZE = 8
VOLUNTEERS = 26


def participant_count() -> int:
    return sum(row[-1] for row in PARTICIPANTS)


def load_inclusion(password_hash: str) -> bool:
    """Add the inclusion data unless it is there already; returns whether it was added."""
    if db.session.scalar(select(func.count()).select_from(PopulationCount)):
        return False
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))
    rows, problems = services.parse_population_csv(
        services.EXAMPLE_FILE.read_text(encoding="utf-8"), services.district_ids_by_name())
    if problems:  # pragma: no cover - the example file matches the demo districts
        raise RuntimeError("the example population file does not fit the demo districts")
    for row in rows:
        db.session.add(PopulationCount(district_id=row.district_id, age_band=row.age_band,
                                       gender=row.gender, count=row.count,
                                       source="Dane przykładowe (wzór: GUS BDL)"))
    record(staff, "population.import", "population", None,
           details={"rows": len(rows), "people": sum(row.count for row in rows),
                    "source": "Dane przykładowe (wzór: GUS BDL)"})

    rng = random.Random(2028)  # the same demo every time  # noqa: S311
    districts = [db.session.scalar(select(District).where(District.name == name))
                 for name in _district_names()]
    proposals = list(db.session.scalars(select(Proposal).where(
        Proposal.status == ProposalStatus.SUBMITTED).order_by(Proposal.id)))
    now = utcnow()
    people: list[tuple[User, InclusionProfile]] = []
    number = 0
    for gender, band, district_index, work, count in PARTICIPANTS:
        for _ in range(count):
            number += 1
            names = FIRST_NAMES[gender]
            name = f"{names[number % len(names)]} {SURNAMES[number % len(SURNAMES)]}"
            user = User(email=f"uczestnik{number}@wrzosow.example", display_name=name,
                        password_hash=password_hash, role=Role.RESIDENT, locale="pl",
                        email_confirmed_at=now, privacy_consent_at=now)
            db.session.add(user)
            db.session.flush()
            profile = InclusionProfile(user_id=user.id, gender=gender, age_band=band,
                                       district_id=districts[district_index].id,
                                       work_situation=work)
            db.session.add(profile)
            people.append((user, profile))
            for proposal in rng.sample(proposals, rng.randint(1, 3)):
                db.session.add(Support(proposal_id=proposal.id, user_id=user.id))
                proposal.support_count += 1
    consultation = db.session.scalar(select(Consultation).order_by(Consultation.id))
    for proposal in proposals:
        if proposal.qualified_at is None and consultation is not None \
                and proposal.support_count >= consultation.support_threshold:
            proposal.qualified_at = now
    db.session.flush()
    _open_panel(staff, consultation, people)
    return True


def _district_names() -> list[str]:
    from app.demo.consultation import DISTRICTS

    return DISTRICTS


def _open_panel(staff: User | None, consultation: Consultation | None,
                people: list[tuple[User, InclusionProfile]]) -> None:
    """An open call with volunteers and quotas from the population shares."""
    panel = Panel(title=PANEL_TITLE, size=PANEL_SIZE,
                  consultation_id=consultation.id if consultation else None,
                  description="Osiem osób wylosowanych spośród ochotników przez trzy soboty "
                              "przygląda się projektom energetycznym i rekomenduje, które "
                              "warto wspierać. (Dane przykładowe.)",
                  created_by_id=staff.id if staff else None)
    db.session.add(panel)
    db.session.flush()
    record(staff, "panel.create", "panel", panel.id,
           details={"title": PANEL_TITLE, "size": PANEL_SIZE})
    # Every other participant volunteers: a pool spread over every group.
    for number, (user, profile) in enumerate(people[::2][:VOLUNTEERS], start=1):
        db.session.add(PanelVolunteer(
            panel_id=panel.id, user_id=user.id, number=number, gender=profile.gender,
            age_band=profile.age_band, district_id=profile.district_id,
            work_situation=profile.work_situation))
    db.session.flush()
    quotas = panels.proportional_quotas(PANEL_SIZE)
    for quota in quotas:
        db.session.add(PanelQuota(panel_id=panel.id, feature=quota.feature, value=quota.value,
                                  minimum=quota.minimum, maximum=quota.maximum))
    record(staff, "panel.quotas", "panel", panel.id, details={
        "quotas": [[q.feature, q.value, q.minimum, q.maximum] for q in quotas]})
