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
CLOSED_STATUSES = frozenset({ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN,
                             ProposalStatus.MERGED})


def discussion_open(proposal: Proposal, day: date) -> bool:
    """Whether comments may be written on this proposal on this day (never while a moderator
    has it hidden)."""
    return (proposal.status not in CLOSED_STATUSES and proposal.hidden_state is None
            and proposal.consultation.phase_on(day) in PARTICIPATION_PHASES)


def posting_refusal(user: User, proposal: Proposal, day: date) -> str | None:
    """Why the user may not comment now ("closed", "locked", "login", "confirm", "blocked"),
    or None if they may."""
    if not discussion_open(proposal, day):
        return "closed"
    if proposal.discussion_locked:
        return "locked"
    if not user or not user.is_authenticated:
        return "login"
    if not user.is_confirmed:
        return "confirm"
    if user.is_blocked:
        return "blocked"
    return None


def can_reply_to(comment: Comment) -> bool:
    """Replies go down to MAX_DEPTH, and never under a deleted or hidden comment."""
    return (comment.deleted_at is None and comment.hidden_state is None
            and comment.depth < MAX_DEPTH)


def is_author(user: User, comment: Comment) -> bool:
    return bool(user and user.is_authenticated and comment.author_id == user.id)


def can_edit(user: User, comment: Comment) -> bool:
    """Only the author edits or deletes a comment, not once it is deleted or hidden by a
    moderator, and not while the author is blocked."""
    return (is_author(user, comment) and comment.deleted_at is None
            and comment.hidden_state is None and not user.is_blocked)


def can_upvote(user: User, comment: Comment) -> bool:
    """Confirmed residents who are not blocked up-vote other people's comments that are
    shown (not deleted, not hidden)."""
    return bool(user and user.is_authenticated and user.is_confirmed and not user.is_blocked
                and comment.deleted_at is None and comment.hidden_state is None
                and comment.author_id != user.id)
