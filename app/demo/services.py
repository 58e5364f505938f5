"""The demo city: fictional people and organisations, marked as sample data everywhere."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.services import hash_password, normalize_email
from app.admin.services import change_setting
from app.db_types import utcnow
from app.demo.census import load_census
from app.demo.consultation import load_consultation
from app.demo.implementation import load_implementation
from app.demo.inclusion import load_inclusion
from app.demo.moderation import load_moderation
from app.demo.results import load_results
from app.demo.voting import load_voting
from app.extensions import db
from app.moderation.audit import record
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    Representation,
    RepresentationStatus,
)

CITY_NAME = "Wrzosów"
DEMO_PASSWORD = "wrzosow-demo-2026"  # noqa: S105 - printed for everyone; demo only

DEMO_ACCOUNTS = [
    ("admin@wrzosow.example", "Alicja Administratorka", Role.ADMIN),
    ("staff@wrzosow.example", "Stanisław z Urzędu", Role.STAFF),
    ("moderator@wrzosow.example", "Monika Moderatorka", Role.MODERATOR),
    ("resident@wrzosow.example", "Roman Mieszkaniec", Role.RESIDENT),
    ("resident2@wrzosow.example", "Zofia Sąsiadka", Role.RESIDENT),
]

DEMO_ORGANISATIONS = [
    ("Fundacja Zielony Wrzosów", OrganisationKind.NGO, "0000123456"),
    ("Wrzosowskie Wodociągi i Ciepło sp. z o.o.", OrganisationKind.MUNICIPAL_COMPANY,
     "0000654321"),
    ("Spółdzielnia Socjalna „Naprawialnia”", OrganisationKind.COOPERATIVE, "0000777888"),
    ("Miejski Ośrodek Pomocy Społecznej we Wrzosowie", OrganisationKind.MUNICIPAL_UNIT,
     "123456789"),
]


def load_demo(*, only_if_empty: bool = False) -> bool:
    """Create or refresh the demo city; returns False when skipped."""
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return False
    # Set by the operator's command, so the audit log names the platform as the actor.
    change_setting("city_name", CITY_NAME, None)
    change_setting("demo", True, None)

    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    users: dict[str, User] = {}
    for email, name, role in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
        if user is None:
            user = User(email=email, display_name=name, password_hash=password_hash,
                        role=role, locale="pl", email_confirmed_at=now,
                        privacy_consent_at=now)
            db.session.add(user)
        users[email] = user
    db.session.flush()

    organisations: dict[str, Organisation] = {}
    for name, kind, number in DEMO_ORGANISATIONS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind, registry_number=number,
                                        approved_at=now,
                                        description="Organizacja fikcyjna (dane przykładowe).")
            db.session.add(organisation)
        organisations[name] = organisation
    db.session.flush()

    _representation(organisations["Fundacja Zielony Wrzosów"], users["resident@wrzosow.example"],
                    "prezes zarządu", RepresentationStatus.APPROVED, users["staff@wrzosow.example"])
    _representation(organisations["Spółdzielnia Socjalna „Naprawialnia”"],
                    users["resident2@wrzosow.example"], "członkini zarządu",
                    RepresentationStatus.PENDING, None)
    db.session.flush()
    load_consultation(password_hash)
    load_moderation()
    db.session.commit()
    load_census()  # after the districts; imports through the staff's import, and commits
    load_voting(password_hash)  # its voters are on the census
    load_inclusion(password_hash)
    load_implementation()  # a past consultation's funded projects under way
    db.session.commit()
    load_results()  # a closed, published budget; commits

    return True


def _representation(organisation: Organisation, user: User, role: str,
                    status: RepresentationStatus, decided_by: User | None) -> None:
    existing = db.session.scalar(select(Representation).where(
        Representation.organisation_id == organisation.id, Representation.user_id == user.id))
    if existing is not None:
        return
    representation = Representation(
        organisation_id=organisation.id, user_id=user.id, role_in_organisation=role,
        status=status, decided_at=utcnow() if decided_by else None,
        decided_by_id=decided_by.id if decided_by else None)
    db.session.add(representation)
    if decided_by is not None:
        db.session.flush()
        action = ("representation.approve" if status is RepresentationStatus.APPROVED
                  else "representation.reject")
        record(decided_by, action, "organisation", organisation.id,
               details={"representation_id": representation.id,
                        "organisation_made_public": False})
