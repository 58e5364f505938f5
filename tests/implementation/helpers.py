"""Funded projects for the implementation tests."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app

from app.extensions import db
from app.implementation.models import ImplementationStatus, ProjectImplementation
from app.proposals.models import ProposalStatus
from app.proposals.services import change_status
from tests.factories import make_proposal


def funded(consultation, *, cost: str, goals=(), progress: int | None = None,
           status: ImplementationStatus = ImplementationStatus.IN_PROGRESS, author=None,
           **overrides):
    """A proposal selected through the status-change service, with an implementation state
    (none written when `progress` is None: planned, 0%)."""
    proposal = make_proposal(consultation, author, goals=list(goals),
                             estimated_cost=Decimal(cost), status=ProposalStatus.ACCEPTED,
                             **overrides)
    with current_app.test_request_context():  # the authors' notifications link to the page
        change_status(proposal, ProposalStatus.SELECTED, None)
    if progress is not None:
        db.session.add(ProjectImplementation(proposal_id=proposal.id, status=status,
                                             progress=progress))
    db.session.commit()
    return proposal
