"""Figures for the public pages."""

from __future__ import annotations

from sqlalchemy import func, select

from app import clock
from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Organisation


def open_now() -> list:
    """Consultations open today, for the front page."""
    from app.consultations.services import open_consultations

    return open_consultations(clock.today())


def home_figures() -> dict[str, int]:
    """Counts shown on the front page."""
    from app.proposals.models import Proposal, ProposalStatus

    residents = db.session.scalar(
        select(func.count()).select_from(User).where(User.deleted_at.is_(None))) or 0
    organisations = db.session.scalar(
        select(func.count()).select_from(Organisation)
        .where(Organisation.approved_at.is_not(None))) or 0
    proposals = db.session.scalar(
        select(func.count()).select_from(Proposal)
        .where(Proposal.status.not_in([ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN]))) or 0
    return {"residents": residents, "organisations": organisations, "proposals": proposals}
