"""Rows the supports tests need: proposals open for support, organisations, pledges."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.extensions import db
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    Representation,
    RepresentationStatus,
)
from app.proposals.models import Proposal, ProposalStatus
from app.supports.models import Pledge, PledgeRole, Support
from tests.conftest import make_user
from tests.factories import make_consultation, make_proposal


def open_proposal(phase: str = "proposals", threshold: int = 3,
                  status: ProposalStatus = ProposalStatus.SUBMITTED) -> Proposal:
    """A proposal by another resident, in a consultation in `phase`."""
    consultation = make_consultation(phase, support_threshold=threshold)
    return make_proposal(consultation, make_user(Role.RESIDENT), status=status)


def organisation(name: str = "Fundacja Zielona", representative: User | None = None,
                 status: RepresentationStatus = RepresentationStatus.APPROVED) -> Organisation:
    """A public organisation, optionally with a representative in the given state."""
    organisation = Organisation(name=name, kind=OrganisationKind.NGO, approved_at=utcnow())
    db.session.add(organisation)
    db.session.flush()
    if representative is not None:
        db.session.add(Representation(organisation_id=organisation.id, user_id=representative.id,
                                      role_in_organisation="prezes", status=status))
    db.session.commit()
    return organisation


def pledge(proposal: Proposal, user: User, role: PledgeRole = PledgeRole.MEMBER,
           organisation: Organisation | None = None) -> Pledge:
    """A pledge written straight to the database."""
    row = Pledge(proposal_id=proposal.id, user_id=user.id, role=role,
                 pledger=f"organisation:{organisation.id}" if organisation else f"user:{user.id}",
                 organisation_id=organisation.id if organisation else None)
    db.session.add(row)
    db.session.commit()
    return row


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def support_rows(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(Support)
                             .where(Support.proposal_id == proposal.id))


def fresh(proposal: Proposal) -> Proposal:
    """The proposal as the database has it now."""
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)
