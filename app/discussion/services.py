"""Logic of discussion: the thread of a proposal, posting, editing, deleting, up-votes."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from app import antispam, clock
from app.accounts.models import Role, User
from app.accounts.permissions import block_message
from app.db_types import utcnow
from app.discussion import permissions
from app.discussion.forms import CommentForm
from app.discussion.models import MAX_DEPTH, Comment, CommentVote, Stance
from app.extensions import db
from app.notifications import services as notifications
from app.proposals.models import Proposal

#: ?comments=... values; the first is the default.
SORTS = ("oldest", "best")

REFUSALS = {
    "closed": _l("The discussion of this proposal is closed. Comments can be written during "
                 "the proposals, review and deliberation phases of the consultation."),
    "login": _l("Log in to take part in the discussion."),
    "confirm": _l("Confirm your email address to take part in the discussion."),
    "no-parent": _l("The comment you replied to was not found. "
                    "You can post your text as a new comment instead."),
    "parent-deleted": _l("The comment you replied to was deleted. "
                         "You can post your text as a new comment instead."),
    "too-deep": _l("Replies can go only %(max)d levels deep. You can post your text as a new "
                   "comment, or reply to a comment higher up in the thread.", max=MAX_DEPTH),
}



def refusal_text(reason: str, user: User, proposal: Proposal) -> str:
    """A refusal in words; a lock and a block say why (and a block until when)."""
    if reason == "locked":
        return _("A moderator locked this discussion: %(reason)s",
                 reason=proposal.discussion_lock_reason or "—")
    if reason == "blocked":
        return block_message(user)
    return str(REFUSALS[reason])


class DiscussionError(Exception):
    """A comment cannot be posted; `reason` is a key of REFUSALS, or "locked"/"blocked" with
    the words in `text`."""

    def __init__(self, reason: str, text: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text

    @property
    def message(self) -> str:
        return self.text or str(REFUSALS[self.reason])


def sort_or_default(value: str | None) -> str:
    """Only the known sort orders; anything else means the default."""
    return value if value in SORTS else SORTS[0]


# -- reading ----------------------------------------------------------------------------------

@dataclass
class CommentNode:
    """A comment with its replies, in display order."""

    comment: Comment
    children: list[CommentNode] = field(default_factory=list)


@dataclass
class Discussion:
    """Everything the discussion section shows, loaded with a constant number of queries."""

    proposal: Proposal
    user: User
    threads: list[CommentNode]
    summary: dict[Stance, int]
    sort: str
    refusal: str | None
    upvoted: set[int]
    form: CommentForm | None = None  # a submitted form with errors, shown again
    reply_to: int | None = None      # the comment whose reply form that was
    error: str | None = None         # why the submitted comment was refused
    message: str | None = None       # a confirmation after posting with htmx
    blank_form: CommentForm = field(default_factory=lambda: CommentForm(formdata=None))

    @property
    def total(self) -> int:
        return sum(self.summary.values())

    @property
    def can_post(self) -> bool:
        return self.refusal is None

    @property
    def refusal_message(self) -> str:
        return refusal_text(self.refusal, self.user, self.proposal) if self.refusal else ""

    def form_for(self, parent_id: int | None) -> CommentForm:
        """The submitted form if it was for this place, else an empty one."""
        if self.form is not None and self.reply_to == parent_id:
            return self.form
        return self.blank_form

    def error_for(self, parent_id: int | None) -> str | None:
        return self.error if self.form is not None and self.reply_to == parent_id else None

    def can_reply(self, comment: Comment) -> bool:
        return self.can_post and permissions.can_reply_to(comment)

    def can_upvote(self, comment: Comment) -> bool:
        return permissions.can_upvote(self.user, comment)

    def has_upvoted(self, comment: Comment) -> bool:
        return comment.id in self.upvoted

    def can_edit(self, comment: Comment) -> bool:
        return permissions.can_edit(self.user, comment)

    def can_report(self, comment: Comment) -> bool:
        """Signed-in residents who may post report other people's comments."""
        return bool(self.user and self.user.is_authenticated and self.user.is_confirmed
                    and not self.user.is_blocked and comment.author_id != self.user.id)

    @property
    def can_moderate(self) -> bool:
        return bool(self.user and self.user.is_authenticated
                    and self.user.has_role(Role.MODERATOR))


def stance_summary(proposal_id: int) -> dict[Stance, int]:
    """How many comments (not deleted) take each stance, counted by the database."""
    counts = dict(db.session.execute(
        select(Comment.stance, func.count(Comment.id))
        .where(Comment.proposal_id == proposal_id, Comment.deleted_at.is_(None))
        .group_by(Comment.stance)).all())
    return {stance: counts.get(stance, 0) for stance in Stance}


def upvoted_ids(user: User, proposal_id: int) -> set[int]:
    """The comments of a proposal that the user up-voted, in one query."""
    if not user or not user.is_authenticated:
        return set()
    return set(db.session.scalars(
        select(CommentVote.comment_id)
        .join(Comment, Comment.id == CommentVote.comment_id)
        .where(Comment.proposal_id == proposal_id, CommentVote.user_id == user.id)))


def comment_threads(proposal_id: int, sort: str) -> list[CommentNode]:
    """All comments of a proposal in one query (authors joined), built into a tree."""
    order = [Comment.created_at, Comment.id]
    if sort == "best":
        order.insert(0, Comment.upvote_count.desc())
    comments = db.session.scalars(
        select(Comment).options(joinedload(Comment.author))
        .where(Comment.proposal_id == proposal_id).order_by(*order)).all()
    nodes = {comment.id: CommentNode(comment) for comment in comments}
    roots = []
    for comment in comments:  # siblings keep the query's order
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.children if parent else roots).append(nodes[comment.id])
    return roots


def load_discussion(proposal: Proposal, user: User, sort: str | None = None,
                    **state) -> Discussion:
    """The discussion of a proposal as one user sees it."""
    sort = sort_or_default(sort)
    return Discussion(
        proposal=proposal, user=user, threads=comment_threads(proposal.id, sort),
        summary=stance_summary(proposal.id), sort=sort,
        refusal=permissions.posting_refusal(user, proposal, clock.today()),
        upvoted=upvoted_ids(user, proposal.id), **state)


def has_upvoted(user: User, comment: Comment) -> bool:
    """Whether the user up-voted this comment."""
    return db.session.scalar(select(CommentVote.id).where(
        CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)) is not None


# -- writing ----------------------------------------------------------------------------------

def post_comment(author: User, proposal: Proposal, *, body: str, stance: Stance,
                 parent_id: int | None = None) -> Comment:
    """Post a comment or a reply within the posting limits; the author follows the proposal
    and others are notified."""
    refusal = permissions.posting_refusal(author, proposal, clock.today())
    if refusal:
        raise DiscussionError(refusal, refusal_text(refusal, author, proposal))
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id:
            raise DiscussionError("no-parent")
        if parent.deleted_at is not None or parent.hidden_state is not None:
            raise DiscussionError("parent-deleted")
        if parent.depth >= MAX_DEPTH:
            raise DiscussionError("too-deep")
    antispam.check_posting_limits(author, antispam.COMMENTS, Comment.author_id,
                                  Comment.created_at)
    comment = Comment(proposal_id=proposal.id, author_id=author.id, parent_id=parent_id,
                      depth=parent.depth + 1 if parent else 0, stance=stance, body=body,
                      upvote_count=0, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    _change_comment_count(proposal.id, +1)
    notifications.add_follow(author.id, proposal.id)
    notifications.notify_new_comment(comment, proposal, author, parent)
    db.session.commit()
    return comment


def edit_comment(comment: Comment, *, body: str, stance: Stance) -> None:
    """Change a comment's text or stance; it is marked as edited (the view checks that the
    author may: not blocked, the comment not hidden)."""
    if comment.body == body and comment.stance is stance:
        return
    comment.body = body
    comment.stance = stance
    comment.edited_at = utcnow()
    db.session.commit()


def delete_comment(comment: Comment) -> None:
    """Delete a comment: its text is no longer shown, its replies stay."""
    if comment.deleted_at is not None:
        return
    comment.deleted_at = utcnow()
    _change_comment_count(comment.proposal_id, -1)
    db.session.commit()


def set_upvote(user: User, comment: Comment, wanted: bool) -> None:
    """Add or withdraw the user's up-vote; a repeat changes nothing."""
    if wanted:
        changed = notifications.insert_ignoring_duplicates(
            CommentVote, comment_id=comment.id, user_id=user.id)
    else:
        changed = db.session.execute(delete(CommentVote).where(
            CommentVote.comment_id == comment.id, CommentVote.user_id == user.id)).rowcount == 1
    if changed:
        db.session.execute(
            update(Comment).where(Comment.id == comment.id)
            .values(upvote_count=Comment.upvote_count + (1 if wanted else -1)))
    db.session.commit()


def _change_comment_count(proposal_id: int, by: int) -> None:
    # In SQL, so that two comments posted at once both count.
    db.session.execute(update(Proposal).where(Proposal.id == proposal_id)
                       .values(comment_count=Proposal.comment_count + by))
