"""Views of moderation: the public log, reporting, the moderators' queue and their actions.

Each action has a confirmation page (GET) whose form sends it (POST). In the queue, htmx loads
that form into the item's card and swaps the card for its new state after the action; without
JavaScript the links open the confirmation page and the action redirects back.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.accounts.permissions import block_message, posting_allowed, role_required
from app.moderation import bp, permissions, services
from app.moderation.forms import (
    BlockForm,
    MergeForm,
    OptionalReasonForm,
    ReasonForm,
    ReportForm,
    ReviewForm,
)
from app.moderation.models import ReportKind
from app.security import is_safe_redirect, wants_fragment

MODERATOR = permissions.MODERATOR_ROLE


@bp.app_context_processor
def moderation_helpers() -> dict[str, Any]:
    """`can_moderate(user)`, `can_report(user)` and `block_message(user)` for templates."""
    return {"can_moderate": permissions.can_moderate, "can_report": permissions.can_report,
            "block_message": block_message}


def proposal_url(proposal_id: int, comment_id: int | None = None) -> str:
    """The proposal page, at a comment when one is given."""
    return url_for("proposals.show", proposal_id=proposal_id,
                   _anchor=f"comment-{comment_id}" if comment_id else None)


def _me() -> User:
    return current_user._get_current_object()


def _page() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))


@bp.route("/log")
def log():
    """Every moderator, staff and administrator action, newest first, filterable by kind."""
    action = services.parse_action(request.args.get("action"))
    pagination = services.log_page(request.args.get("page", 1, type=int) or 1, action)
    context = {"pagination": pagination, "rows": services.log_rows(pagination.items),
               "action": action}
    if wants_fragment():
        return render_template("moderation/_log_table.html", **context)
    return render_template("moderation/log.html", head=services.chain_head(),
                           actions=services.action_choices(), **context)


# -- reporting --------------------------------------------------------------------------------

def _target_or_404(kind: str, target_id: int) -> services.Target:
    target = services.load_target(kind, target_id)
    if target is None:
        abort(404)
    return target


def place_of(target: services.Target) -> str:
    """Where the item is shown: the proposal page, at the comment for a comment."""
    if target.kind is ReportKind.COMMENT:
        return proposal_url(target.proposal.id, target.id)
    if target.kind is ReportKind.PROPOSAL:
        return proposal_url(target.id)
    return url_for("moderation.queue")


@bp.route("/report/<any(proposal,comment,user):kind>/<int:target_id>", methods=["GET", "POST"])
@posting_allowed
def report(kind: str, target_id: int):
    """Report a proposal, a comment or an account to the moderators, once per item."""
    target = _target_or_404(kind, target_id)
    # An account has no page of its own: go back to where the report was asked for.
    back = _next_url(place_of(target) if target.kind is not ReportKind.USER
                     else url_for("main.home"))
    refusal = services.report_refusal(current_user, target)
    form = ReportForm()
    status = 200
    if refusal is None and form.validate_on_submit():
        try:
            services.file_report(_me(), target, form.report_reason, form.details.data)
        except services.ModerationError as error:
            refusal = str(error)
        else:
            flash(_("Thank you. Your report is sent to the moderators; nobody else sees who "
                    "reported."), "success")
            return redirect(back, code=303)
    if refusal is not None and request.method == "POST":
        status = 409
    return render_template("moderation/report.html", target=target, form=form,
                           refusal=refusal, back=back), status


# -- the queue and the actions on reported items ------------------------------------------------

@bp.route("/queue")
@role_required(MODERATOR)
def queue():
    """Reported items with their reports, newest or most reported first."""
    sort = services.queue_sort(request.args.get("sort"))
    pagination = services.queue_page(_page(), sort)
    template = "moderation/_queue.html" if wants_fragment() else "moderation/queue.html"
    return render_template(template, pagination=pagination, sort=sort,
                           threshold=services.reports_to_hide())


#: What each action on a reported item asks and does: its form, its words, its service.
ACTIONS: dict[str, dict[str, Any]] = {
    "hide": {"form": ReasonForm, "service": services.hide_item,
             "title": lambda: _("Hide this item"),
             "explain": lambda: _("Its place will show “hidden by a moderator” with your "
                                  "reason. The author is notified and the action is written "
                                  "to the public moderation log."),
             "button": lambda: _("Hide it"), "done": lambda: _("The item is hidden.")},
    "restore": {"form": OptionalReasonForm, "service": services.restore_item,
                "title": lambda: _("Show this item again"),
                "explain": lambda: _("Everyone will see it again and its open reports are "
                                     "closed. The author is notified."),
                "button": lambda: _("Show it again"),
                "done": lambda: _("The item is shown again.")},
    "dismiss": {"form": OptionalReasonForm, "service": services.dismiss_reports,
                "title": lambda: _("Dismiss the reports"),
                "explain": lambda: _("The reports are closed as unfounded. An item hidden "
                                     "pending review is shown again and its author notified."),
                "button": lambda: _("Dismiss the reports"),
                "done": lambda: _("The reports are dismissed.")},
}


def _next_url(default: str) -> str:
    target = request.values.get("next", "")
    return target if is_safe_redirect(target) else default


def _confirm(action: str, target: services.Target, form, status: int = 200, error=None):
    """The confirmation form: a fragment for htmx (inside the queue card), else a page."""
    words = ACTIONS[action]
    context = {"action": action, "target": target, "form": form, "error": error,
               "title": words["title"](), "explain": words["explain"](),
               "button": words["button"](), "next": _next_url(""),
               "post_url": request.path}
    if wants_fragment():
        headers = {}
        if request.method == "POST":  # errors: put the form back where it was
            headers = {"HX-Retarget": f"#actions-{target.kind.value}-{target.id}",
                       "HX-Reswap": "innerHTML"}
        # htmx swaps a 422 in (not a 409): a refused or invalid form comes back as 422.
        return render_template("moderation/_confirm_form.html", **context), \
            422 if request.method == "POST" else 200, headers
    return render_template("moderation/confirm.html", **context), status


def _done(target: services.Target, message: str):
    """After an action: the fresh queue card for htmx, else back where the moderator was."""
    if wants_fragment():
        return render_template("moderation/_queue_item.html", target=target,
                               item=services.queue_item(target), message=message)
    flash(message, "success")
    return redirect(_next_url(place_of(target)), code=303)


def _act(action: str, target: services.Target):
    form = ACTIONS[action]["form"]()
    if form.validate_on_submit():
        try:
            ACTIONS[action]["service"](target, _me(), form.reason.data)
        except services.ModerationError as error:
            return _confirm(action, target, form, 409, str(error))
        return _done(target, ACTIONS[action]["done"]())
    return _confirm(action, target, form)


@bp.route("/<any(proposal,comment):kind>/<int:target_id>/hide", methods=["GET", "POST"])
@role_required(MODERATOR)
def hide(kind: str, target_id: int):
    """Hide a proposal or comment with a public reason, after confirmation."""
    return _act("hide", _target_or_404(kind, target_id))


@bp.route("/<any(proposal,comment):kind>/<int:target_id>/restore", methods=["GET", "POST"])
@role_required(MODERATOR)
def restore(kind: str, target_id: int):
    """Show a hidden proposal or comment again, after confirmation."""
    return _act("restore", _target_or_404(kind, target_id))


@bp.route("/<any(proposal,comment,user):kind>/<int:target_id>/dismiss", methods=["GET", "POST"])
@role_required(MODERATOR)
def dismiss(kind: str, target_id: int):
    """Close the reports about an item as unfounded, after confirmation."""
    return _act("dismiss", _target_or_404(kind, target_id))


# -- discussions and accounts -------------------------------------------------------------------

def _simple_action(template_words: dict[str, str], form, target: services.Target, service,
                   done: str, back: str):
    """A confirmation page for lock, unlock, block and unblock, and the action on POST."""
    error, status = None, 200
    if form.validate_on_submit():
        try:
            service()
        except services.ModerationError as refusal:
            error, status = str(refusal), 409
        else:
            flash(done, "success")
            return redirect(_next_url(back), code=303)
    return render_template("moderation/confirm.html", target=target, form=form, error=error,
                           post_url=request.path, next=_next_url(""), **template_words), status


@bp.route("/proposals/<int:proposal_id>/lock", methods=["GET", "POST"])
@role_required(MODERATOR)
def lock(proposal_id: int):
    """Close a proposal's discussion to new comments, with a public reason."""
    target = _target_or_404("proposal", proposal_id)
    form = ReasonForm()
    return _simple_action(
        {"title": _("Lock the discussion"), "button": _("Lock the discussion"),
         "explain": _("Nobody can add comments until the discussion is unlocked; the reason is "
                      "shown above the comments. The author is notified.")},
        form, target, lambda: services.lock_discussion(target.item, _me(), form.reason.data),
        _("The discussion is locked."), proposal_url(proposal_id))


@bp.route("/proposals/<int:proposal_id>/unlock", methods=["GET", "POST"])
@role_required(MODERATOR)
def unlock(proposal_id: int):
    """Open a locked discussion again."""
    target = _target_or_404("proposal", proposal_id)
    form = OptionalReasonForm()
    return _simple_action(
        {"title": _("Unlock the discussion"), "button": _("Unlock the discussion"),
         "explain": _("Residents can comment again. The author is notified.")},
        form, target, lambda: services.unlock_discussion(target.item, _me(), form.reason.data),
        _("The discussion is open again."), proposal_url(proposal_id))


@bp.route("/users/<int:user_id>/block", methods=["GET", "POST"])
@role_required(MODERATOR)
def block(user_id: int):
    """Keep a resident from posting for a period, with a reason they see."""
    target = _target_or_404("user", user_id)
    form = BlockForm()
    return _simple_action(
        {"title": _("Block from posting"), "button": _("Block"),
         "explain": _("The person can still read everything but cannot post proposals, "
                      "comments, supports, pledges or reports until the block ends. They see "
                      "the reason and the end of the block, and are notified.")},
        form, target,
        lambda: services.block_user(target.item, _me(), int(form.days.data), form.reason.data),
        _("The person is blocked from posting."), url_for("moderation.queue"))


@bp.route("/users/<int:user_id>/unblock", methods=["GET", "POST"])
@role_required(MODERATOR)
def unblock(user_id: int):
    """Lift a block before it ends."""
    target = _target_or_404("user", user_id)
    form = OptionalReasonForm()
    return _simple_action(
        {"title": _("Lift the block"), "button": _("Lift the block"),
         "explain": _("The person can post again at once, and is notified.")},
        form, target, lambda: services.unblock_user(target.item, _me(), form.reason.data),
        _("The block is lifted."), url_for("moderation.queue"))


# -- review and merge ---------------------------------------------------------------------------

@bp.route("/review")
@role_required(MODERATOR)
def review():
    """Submitted proposals waiting for a decision in consultations in their review phase."""
    return render_template("moderation/review.html", pagination=services.review_page(_page()))


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@role_required(MODERATOR)
def review_proposal(proposal_id: int):
    """Accept a proposal for the vote, reject it with a reason, or ask its authors for changes."""
    target = _target_or_404("proposal", proposal_id)
    proposal = target.item
    refusal = services.review_refusal(proposal, current_user)
    form = ReviewForm()
    if refusal is None and form.validate_on_submit():
        try:
            services.review_proposal(proposal, _me(), form.decision.data, form.reason.data)
        except services.ModerationError as error:
            refusal = str(error)
        else:
            flash(_("The decision is saved and the authors are notified."), "success")
            return redirect(_next_url(url_for("moderation.review")), code=303)
    return render_template("moderation/review_proposal.html", target=target, form=form,
                           refusal=refusal), 409 if refusal else 200


@bp.route("/proposals/<int:proposal_id>/merge", methods=["GET", "POST"])
@role_required(MODERATOR)
def merge(proposal_id: int):
    """Merge a duplicate proposal into another of the same consultation, after confirmation."""
    target = _target_or_404("proposal", proposal_id)
    duplicate = target.item
    refusal = services.merge_refusal(duplicate)
    form = MergeForm(services.merge_candidates(duplicate) if refusal is None else [])
    if refusal is None and form.validate_on_submit():
        try:
            result = services.merge_proposals(duplicate, form.target, _me(), form.reason.data)
        except services.ModerationError as error:
            refusal = str(error)
        else:
            flash(_("The proposal is merged: %(supports)s supports and %(pledges)s pledges "
                    "moved. The authors of both are notified.",
                    supports=result.supports_moved, pledges=result.pledges_moved), "success")
            return redirect(proposal_url(form.target.id), code=303)
    return render_template("moderation/merge.html", target=target, form=form,
                           refusal=refusal), 409 if refusal else 200
