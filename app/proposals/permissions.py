"""Who may do what with proposals.

The rules are pure functions of the user, the proposal, its co-authors and the consultation's
phase today; the services load those facts and the views ask here.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.consultations.models import Phase
from app.proposals.models import Proposal, ProposalStatus

#: Authors may change the text while the proposal is a draft or waits for review.
EDITABLE_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.SUBMITTED,
                               ProposalStatus.CHANGES_REQUESTED})
#: Statuses from which the authors send a proposal (back) for review.
SUBMITTABLE_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.CHANGES_REQUESTED})
#: Once selected in the vote a proposal belongs to the city's plan and cannot be withdrawn;
#: a draft was never public, so withdrawing it would publish it.
WITHDRAWABLE_STATUSES = frozenset({
    ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, ProposalStatus.REJECTED,
    ProposalStatus.CHANGES_REQUESTED,
})
#: From the vote on, ballots may list the proposal, so it stays as it is.
WITHDRAWABLE_PHASES = frozenset({
    Phase.UPCOMING, Phase.PROPOSALS, Phase.REVIEW, Phase.DELIBERATION,
})


def is_author(user: User, proposal: Proposal) -> bool:
    """The person who wrote the proposal."""
    return bool(user.is_authenticated and proposal.author_id == user.id)


def is_editor(user: User, proposal: Proposal, coauthor_ids: Collection[int]) -> bool:
    """The author or one of the co-authors."""
    return is_author(user, proposal) or bool(user.is_authenticated and user.id in coauthor_ids)


def can_view(user: User, proposal: Proposal, coauthor_ids: Collection[int]) -> bool:
    """Everyone sees a proposal once it leaves the draft; a draft only its authors."""
    return proposal.status is not ProposalStatus.DRAFT or is_editor(user, proposal,
                                                                     coauthor_ids)


def edit_refusal(proposal: Proposal, phase: Phase) -> str | None:
    """Why the text cannot be changed now, or None when it can."""
    if proposal.status not in EDITABLE_STATUSES:
        return str(_l("This proposal can no longer be changed: it is %(status)s.",
                      status=proposal.status.label.lower()))
    if proposal.status is ProposalStatus.CHANGES_REQUESTED and phase is Phase.REVIEW:
        return None  # sent back by a moderator: the authors change it during the review
    if phase is not Phase.PROPOSALS:
        return str(_l("Proposals can only be changed while the consultation accepts them. "
                      "It is now in the phase: %(phase)s.", phase=phase.label))
    return None


def withdraw_refusal(proposal: Proposal, phase: Phase) -> str | None:
    """Why the proposal cannot be withdrawn now, or None when it can."""
    if proposal.status is ProposalStatus.WITHDRAWN:
        return str(_l("This proposal is already withdrawn."))
    if proposal.status is ProposalStatus.DRAFT:
        return str(_l("A draft is seen only by its authors, so there is nothing to withdraw. "
                      "Leave it as a draft, or submit it."))
    if proposal.status not in WITHDRAWABLE_STATUSES:
        return str(_l("A proposal selected in the vote cannot be withdrawn."))
    if phase not in WITHDRAWABLE_PHASES:
        return str(_l("A proposal cannot be withdrawn once voting has started."))
    return None


def can_edit(user: User, proposal: Proposal, coauthor_ids: Collection[int],
             phase: Phase) -> bool:
    """Authors and co-authors who are not blocked, while the status and the phase allow it."""
    return (is_editor(user, proposal, coauthor_ids) and not user.is_blocked
            and edit_refusal(proposal, phase) is None)


def can_change_coauthors(user: User, proposal: Proposal | None) -> bool:
    """Only the author chooses the co-authors (a new proposal's author is the user)."""
    return proposal is None or is_author(user, proposal)


def can_withdraw(user: User, proposal: Proposal, phase: Phase) -> bool:
    """Only the author withdraws, and not once the proposal is selected or voted on."""
    return is_author(user, proposal) and withdraw_refusal(proposal, phase) is None
