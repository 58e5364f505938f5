"""Who may do what in discussion."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from app.consultations.models import PARTICIPATION_PHASES
from app.discussion.models import MAX_DEPTH
from app.proposals.models import ProposalStatus

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.discussion.models import Comment
    from app.proposals.models import Proposal

#: Proposals that take no comments whatever the phase.
CLOSED_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN})


def discussion_open(proposal: Proposal, day: date) -> bool:
    """Whether comments may be written on this proposal on this day."""
    return (proposal.status not in CLOSED_STATUSES
            and proposal.consultation.phase_on(day) in PARTICIPATION_PHASES)


def posting_refusal(user: User, proposal: Proposal, day: date) -> str | None:
    """Why the user may not comment now ("closed", "login", "confirm"), or None if they may."""
    if not discussion_open(proposal, day):
        return "closed"
    if not user or not user.is_authenticated:
        return "login"
    if not user.is_confirmed:
        return "confirm"
    return None


def can_reply_to(comment: Comment) -> bool:
    """Replies go down to MAX_DEPTH, and never under a deleted comment."""
    return comment.deleted_at is None and comment.depth < MAX_DEPTH


def is_author(user: User, comment: Comment) -> bool:
    return bool(user and user.is_authenticated and comment.author_id == user.id)


def can_edit(user: User, comment: Comment) -> bool:
    """Only the author edits or deletes a comment, and not once it is deleted."""
    return is_author(user, comment) and comment.deleted_at is None


def can_upvote(user: User, comment: Comment) -> bool:
    """Confirmed residents up-vote other people's comments that are not deleted."""
    return bool(user and user.is_authenticated and user.is_confirmed
                and comment.deleted_at is None and comment.author_id != user.id)
