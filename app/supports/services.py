"""Supports for proposals and pledges to join their cooperatives.

Counting rules:
- `Proposal.support_count` is changed only by SQL (`support_count = support_count + 1`) in
  the transaction that inserts or deletes the Support row, so concurrent requests never lose
  an update; the unique constraint on (proposal, user) makes a repeated support a no-op.
- A proposal qualifies when its count first reaches the consultation's threshold;
  `qualified_at` is then kept even if supports are withdrawn later (qualification, once
  reached, is not lost).
- The founding group follows Prawo spółdzielcze art. 15 § 1: a cooperative is founded by at
  least 10 natural persons, or at least 3 legal persons. Only pledges as a member count;
  workers and volunteers are counted separately.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.permissions import block_message
from app.consultations.models import PARTICIPATION_PHASES, Phase
from app.db_types import utcnow
from app.extensions import db
from app.organisations.models import Organisation
from app.organisations.services import approved_organisations_of
from app.proposals.models import Proposal, ProposalStatus
from app.supports.models import Pledge, PledgeRole, Support
from app.supports.permissions import can_support

if TYPE_CHECKING:
    from app.accounts.models import User

OPEN_STATUSES = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED})
NATURAL_PERSONS_MINIMUM = 10
LEGAL_PERSONS_MINIMUM = 3
#: The panel names at most this many pledging organisations (and says how many more).
ORGANISATIONS_SHOWN = 50


class SupportsClosed(Exception):
    """Supports and pledges are not open for this proposal today; str() is the reason."""



# --- loading ----------------------------------------------------------------------------------

def get_proposal_or_404(proposal_id: int) -> Proposal:
    """A proposal that may be supported or pledged to; drafts are private, so 404."""
    proposal = db.get_or_404(Proposal, proposal_id)
    if proposal.status is ProposalStatus.DRAFT:
        abort(404)
    return proposal


def get_pledge_or_404(proposal: Proposal, pledge_id: int) -> Pledge:
    """A pledge to this proposal, or 404."""
    pledge = db.get_or_404(Pledge, pledge_id)
    if pledge.proposal_id != proposal.id:
        abort(404)
    return pledge


# --- the phase and status rule ----------------------------------------------------------------

def closed_reason(proposal: Proposal) -> str | None:
    """Why supports and pledges are closed for this proposal today, or None when open."""
    if proposal.hidden_state is not None:
        return _("This proposal is hidden by the moderators, so supports and pledges are "
                 "closed.")
    if proposal.status not in OPEN_STATUSES:
        return _("Supports and pledges are possible only while a proposal is submitted or "
                 "accepted for the vote. This proposal's status: %(status)s.",
                 status=proposal.status.label)
    phase = proposal.consultation.phase_today()
    if phase is Phase.UPCOMING:
        return _("Supports and pledges open when the consultation starts.")
    if phase not in PARTICIPATION_PHASES:
        return _("Supports and pledges are closed in this phase of the consultation: "
                 "%(phase)s.", phase=phase.label)
    return None


def _ensure_open(proposal: Proposal) -> None:
    reason = closed_reason(proposal)
    if reason is not None:
        raise SupportsClosed(reason)


# --- supports ---------------------------------------------------------------------------------

def support_proposal(proposal: Proposal, user: User) -> bool:
    """Add the user's support; False when it was already there (a repeat changes nothing)."""
    _ensure_open(proposal)
    proposal_id, user_id = proposal.id, user.id
    threshold = proposal.consultation.support_threshold
    try:
        db.session.add(Support(proposal_id=proposal_id, user_id=user_id))
        db.session.flush()
        count = db.session.execute(
            update(Proposal).where(Proposal.id == proposal_id)
            .values(support_count=Proposal.support_count + 1)
            .returning(Proposal.support_count)
            .execution_options(synchronize_session=False)).scalar_one()
        if count >= threshold:
            db.session.execute(
                update(Proposal)
                .where(Proposal.id == proposal_id, Proposal.qualified_at.is_(None))
                .values(qualified_at=utcnow())
                .execution_options(synchronize_session=False))
        db.session.commit()
    except IntegrityError:
        # The unique (proposal, user) constraint: this person's support is already counted.
        db.session.rollback()
        return False
    return True


def withdraw_support(proposal: Proposal, user: User) -> bool:
    """Remove the user's support; False when there was none. Qualification is kept."""
    _ensure_open(proposal)
    removed = db.session.execute(
        delete(Support).where(Support.proposal_id == proposal.id, Support.user_id == user.id)
        .execution_options(synchronize_session=False)).rowcount
    if removed:
        db.session.execute(
            update(Proposal).where(Proposal.id == proposal.id, Proposal.support_count > 0)
            .values(support_count=Proposal.support_count - 1)
            .execution_options(synchronize_session=False))
    db.session.commit()
    return bool(removed)


def has_supported(proposal: Proposal, user: User) -> bool:
    """Whether this user supports the proposal."""
    if not user.is_authenticated:
        return False
    return db.session.scalar(select(select(Support.id).where(
        Support.proposal_id == proposal.id, Support.user_id == user.id).exists())) or False


# --- pledges ----------------------------------------------------------------------------------

def pledger_key(user: User, organisation: Organisation | None) -> str:
    """Who pledges: "organisation:<id>" for a legal person, else "user:<id>"."""
    if organisation is not None:
        return f"organisation:{organisation.id}"
    return f"user:{user.id}"


def _find_pledge(proposal_id: int, pledger: str) -> Pledge | None:
    return db.session.scalar(select(Pledge).where(
        Pledge.proposal_id == proposal_id, Pledge.pledger == pledger))


def make_pledge(proposal: Proposal, user: User, role: PledgeRole,
                organisation: Organisation | None = None) -> Pledge:
    """Pledge to join the cooperative, as oneself or for an organisation one represents.

    One pledge per pledger and proposal: pledging again changes the role (and records who
    declared it last, for an organisation with several representatives).
    """
    _ensure_open(proposal)
    proposal_id, user_id = proposal.id, user.id
    organisation_id = organisation.id if organisation is not None else None
    pledger = pledger_key(user, organisation)
    for _attempt in range(3):
        pledge = _find_pledge(proposal_id, pledger)
        if pledge is not None:
            pledge.role = role
            pledge.user_id = user_id
            db.session.commit()
            return pledge
        pledge = Pledge(proposal_id=proposal_id, pledger=pledger, user_id=user_id,
                        organisation_id=organisation_id, role=role)
        db.session.add(pledge)
        try:
            db.session.commit()
        except IntegrityError:
            # Someone pledged for the same pledger at the same moment: update theirs instead.
            db.session.rollback()
            continue
        return pledge
    raise SupportsClosed(_("Your pledge could not be saved. Please try again."))


def withdraw_pledge(proposal: Proposal, pledge: Pledge) -> None:
    """Withdraw a pledge."""
    _ensure_open(proposal)
    db.session.delete(pledge)
    db.session.commit()


def forget_pledges(user: User) -> None:
    """Remove a deleted account's own pledges as a natural person (not its organisations').

    For the account deletion service, which commits; supports stay, counted anonymously.
    """
    db.session.execute(delete(Pledge).where(Pledge.pledger == f"user:{user.id}"))


def supports_for_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The user's supports and pledges, for their data download."""
    supports = db.session.execute(
        select(Proposal.id, Proposal.title, Support.created_at)
        .join(Support, Support.proposal_id == Proposal.id)
        .where(Support.user_id == user.id).order_by(Support.created_at)).all()
    pledges = db.session.execute(
        select(Proposal.id, Proposal.title, Pledge.role, Organisation.name, Pledge.created_at)
        .join(Pledge, Pledge.proposal_id == Proposal.id)
        .outerjoin(Organisation, Organisation.id == Pledge.organisation_id)
        .where(Pledge.user_id == user.id).order_by(Pledge.created_at)).all()
    return {
        "supports": [{"proposal_id": i, "proposal": title, "supported_at": at.isoformat()}
                     for i, title, at in supports],
        "pledges": [{"proposal_id": i, "proposal": title, "role": PledgeRole(role).value,
                     "on_behalf_of": organisation, "pledged_at": at.isoformat()}
                    for i, title, role, organisation, at in pledges],
    }


# --- the panel on the proposal page -----------------------------------------------------------

@dataclass(frozen=True)
class FoundingGroup:
    """Pledged members against the legal minimum to found a cooperative."""

    natural_persons: int = 0
    legal_persons: int = 0
    workers: int = 0
    volunteers: int = 0
    natural_minimum: int = NATURAL_PERSONS_MINIMUM
    legal_minimum: int = LEGAL_PERSONS_MINIMUM

    @property
    def minimum_met(self) -> bool:
        return (self.natural_persons >= self.natural_minimum
                or self.legal_persons >= self.legal_minimum)

    @property
    def hybrid(self) -> bool:
        """Members would include both natural and legal persons."""
        return self.natural_persons > 0 and self.legal_persons > 0


@dataclass(frozen=True)
class PledgedOrganisation:
    id: int
    name: str
    role: PledgeRole


@dataclass(frozen=True)
class OwnPledge:
    id: int
    role: PledgeRole
    organisation_name: str | None  # None: as a natural person


def founding_group(proposal: Proposal) -> tuple[FoundingGroup, int]:
    """Pledge counts by role and kind of person, in one aggregate query; also all legal ones."""
    is_legal = Pledge.organisation_id.is_not(None).label("is_legal")
    rows = db.session.execute(
        select(Pledge.role, is_legal, func.count())
        .where(Pledge.proposal_id == proposal.id)
        .group_by(Pledge.role, is_legal)).all()
    natural: Counter[PledgeRole] = Counter()
    legal: Counter[PledgeRole] = Counter()
    for role, is_legal_person, number in rows:
        (legal if is_legal_person else natural)[PledgeRole(role)] += number
    group = FoundingGroup(
        natural_persons=natural[PledgeRole.MEMBER],
        legal_persons=legal[PledgeRole.MEMBER],
        workers=natural[PledgeRole.WORKER] + legal[PledgeRole.WORKER],
        volunteers=natural[PledgeRole.VOLUNTEER] + legal[PledgeRole.VOLUNTEER],
    )
    return group, sum(legal.values())


def pledged_organisations(proposal: Proposal) -> list[PledgedOrganisation]:
    """Organisations that pledged, by name (public; people are only counted, never named)."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Pledge.role)
        .join(Pledge, Pledge.organisation_id == Organisation.id)
        .where(Pledge.proposal_id == proposal.id)
        .order_by(func.lower(Organisation.name), Organisation.id)
        .limit(ORGANISATIONS_SHOWN)).all()
    return [PledgedOrganisation(id=i, name=name, role=PledgeRole(role)) for i, name, role in rows]


def own_pledges(proposal: Proposal, user: User) -> list[OwnPledge]:
    """The pledges this user made to the proposal, for themselves or for organisations."""
    rows = db.session.execute(
        select(Pledge.id, Pledge.role, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Pledge.organisation_id)
        .where(Pledge.proposal_id == proposal.id, Pledge.user_id == user.id)
        .order_by(Pledge.created_at, Pledge.id)).all()
    return [OwnPledge(id=i, role=PledgeRole(role), organisation_name=name)
            for i, role, name in rows]


def panel_data(proposal: Proposal, user: User) -> dict[str, Any]:
    """Everything the supports panel shows, in a constant number of queries."""
    group, legal_total = founding_group(proposal)
    organisations = pledged_organisations(proposal) if legal_total else []
    may_act = can_support(user)
    qualified_at: datetime | None = proposal.qualified_at
    return {
        "proposal": proposal,
        "closed": closed_reason(proposal) or (block_message(user) if user.is_authenticated
                                                and user.is_blocked else None),
        "support_count": proposal.support_count,
        "threshold": proposal.consultation.support_threshold,
        "qualified": qualified_at is not None,
        "qualified_at": qualified_at,
        "signed_in": user.is_authenticated,
        "can_act": may_act,
        "supported": has_supported(proposal, user),
        "founding": group,
        "organisations": organisations,
        "organisations_more": max(legal_total - len(organisations), 0),
        "own_pledges": own_pledges(proposal, user) if user.is_authenticated else [],
        "my_organisations": approved_organisations_of(user) if may_act else [],
    }
