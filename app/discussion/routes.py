"""Views of discussion: the thread, posting, up-votes, editing and deleting comments."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.accounts.permissions import confirmed_required
from app.antispam import PostingLimitReached
from app.discussion import bp, permissions, services
from app.discussion.forms import CommentForm, DeleteCommentForm, EditCommentForm, UpvoteForm
from app.discussion.models import Comment, Stance
from app.extensions import db
from app.notifications.services import get_visible_proposal_or_404, proposal_url
from app.proposals.models import Proposal
from app.security import wants_fragment


@bp.app_context_processor
def discussion_helpers() -> dict[str, Any]:
    """Template callable `discussion_for(proposal)`, used by discussion/_section.html."""
    return {"discussion_for": _discussion_for}


def _discussion_for(proposal: Proposal) -> services.Discussion:
    return services.load_discussion(proposal, current_user, _sort())


def _sort() -> str:
    return services.sort_or_default(request.values.get("comments"))


def _get_proposal_or_404(proposal_id: int) -> Proposal:
    return get_visible_proposal_or_404(current_user, proposal_id)


def _get_comment_or_404(comment_id: int) -> tuple[Comment, Proposal]:
    comment = db.get_or_404(Comment, comment_id)
    return comment, _get_proposal_or_404(comment.proposal_id)


def _get_editable_comment(comment_id: int) -> tuple[Comment, Proposal]:
    """A comment its author may still change: someone else's is forbidden, a deleted one gone."""
    comment, proposal = _get_comment_or_404(comment_id)
    if comment.deleted_at is not None:
        abort(404)
    if not permissions.can_edit(current_user, comment):
        abort(403)
    return comment, proposal


@bp.route("/proposals/<int:proposal_id>/comments")
def index(proposal_id: int):
    """A proposal's discussion on a page of its own; htmx gets the section (e.g. re-sorted)."""
    proposal = _get_proposal_or_404(proposal_id)
    template = "discussion/_section.html" if wants_fragment() else "discussion/index.html"
    return render_template(template, proposal=proposal)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@confirmed_required
def create(proposal_id: int):
    """Post a comment or a reply; htmx gets the updated discussion section.

    A refusal comes back with the text kept: 422 when the form looked automated, 429 at a
    posting limit (htmx swaps both in place), 403 on a page when the discussion is closed.
    """
    proposal = _get_proposal_or_404(proposal_id)
    form = CommentForm()
    error = None
    refusal = permissions.posting_refusal(current_user, proposal, clock.today())
    if refusal in {"locked", "blocked"}:  # refused whatever the form holds
        error = services.DiscussionError(
            refusal, services.refusal_text(refusal, current_user, proposal))
    elif form.validate_on_submit():
        try:
            comment = services.post_comment(current_user, proposal, body=form.body.data,
                                            stance=Stance(form.stance.data),
                                            parent_id=form.parent)
        except (services.DiscussionError, PostingLimitReached) as refusal:
            error = refusal
        else:
            if wants_fragment():
                state = services.load_discussion(proposal, current_user, _sort(),
                                                 message=_("Your comment is posted."))
                response = render_template("discussion/_section.html", proposal=proposal,
                                           discussion_state=state)
                return response, 200, {
                    "HX-Reswap": f"outerHTML show:#comment-{comment.id}:top"}
            flash(_("Your comment is posted."), "success")
            return redirect(proposal_url(proposal.id, comment.id), code=303)
    reply_to = form.parent
    if error is not None and error.reason in {"no-parent", "parent-deleted", "too-deep"}:
        form.parent_id.data = ""  # offer to post the same text as a new comment
    message = error.message if error else form.refusal
    status, headers = 200, {}
    if isinstance(error, PostingLimitReached):
        status, headers = error.status, error.headers
    elif form.spam_refused:
        status = 422
    elif error is not None and error.reason in {"locked", "blocked"}:
        status = 422 if wants_fragment() else 403
    if wants_fragment():
        state = services.load_discussion(
            proposal, current_user, _sort(), form=form, reply_to=reply_to, error=message)
        return render_template("discussion/_section.html", proposal=proposal,
                               discussion_state=state), status, headers
    if error is not None and error.reason == "closed":
        status = 403
    parent = db.session.get(Comment, reply_to) if reply_to and form.parent_id.data else None
    return render_template("discussion/new.html", proposal=proposal, form=form,
                           parent=parent, error=message), status, headers


@bp.route("/comments/<int:comment_id>/reply")
@confirmed_required
def reply(comment_id: int):
    """The form to reply to a comment, asked for when wanted: a page of its own, or (htmx) the
    form alone, put in place under the comment."""
    comment, proposal = _get_comment_or_404(comment_id)
    if not permissions.can_reply_to(comment):
        abort(404 if comment.deleted_at is not None else 403)
    refusal = permissions.posting_refusal(current_user, proposal, clock.today())
    if refusal is not None:
        message = services.refusal_text(refusal, current_user, proposal)
        if wants_fragment():
            return render_template("discussion/_reply_refused.html", message=message)
        flash(message, "error")
        return redirect(proposal_url(proposal.id, comment.id), code=303)
    form = CommentForm(formdata=None, parent_id=str(comment.id))
    if wants_fragment():
        return render_template("discussion/_reply_form.html", comment=comment, form=form,
                               error=None, sort=_sort(), focus=True)
    return render_template("discussion/new.html", proposal=proposal, form=form, parent=comment,
                           error=None)


@bp.route("/comments/<int:comment_id>/upvote", methods=["POST"])
@confirmed_required
def upvote(comment_id: int):
    """Add or withdraw an up-vote; htmx gets the button back."""
    comment, proposal = _get_comment_or_404(comment_id)
    if not permissions.can_upvote(current_user, comment):
        abort(403)
    form = UpvoteForm()
    if form.validate_on_submit():
        services.set_upvote(current_user, comment, form.vote.data == "add")
    if wants_fragment():
        return render_template("discussion/_upvote_button.html", comment=comment,
                               upvote_allowed=True,
                               upvoted=services.has_upvoted(current_user, comment))
    return redirect(proposal_url(proposal.id, comment.id), code=303)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@confirmed_required
def edit(comment_id: int):
    """The author changes the text or stance of a comment."""
    comment, proposal = _get_editable_comment(comment_id)
    form = EditCommentForm(obj=comment)
    if form.validate_on_submit():
        services.edit_comment(comment, body=form.body.data, stance=Stance(form.stance.data))
        flash(_("Your comment is saved."), "success")
        return redirect(proposal_url(proposal.id, comment.id), code=303)
    return render_template("discussion/edit.html", comment=comment, proposal=proposal,
                           form=form)


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@confirmed_required
def delete(comment_id: int):
    """The author deletes a comment after confirming; replies to it stay."""
    comment, proposal = _get_editable_comment(comment_id)
    form = DeleteCommentForm()
    if form.validate_on_submit():
        services.delete_comment(comment)
        flash(_("Your comment is deleted."), "success")
        return redirect(proposal_url(proposal.id, comment.id), code=303)
    return render_template("discussion/delete.html", comment=comment, proposal=proposal,
                           form=form)
