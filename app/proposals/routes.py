"""Views of proposals: thin wrappers that parse, authorise, call services and render."""

from __future__ import annotations

import random
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import ActionForm
from app.accounts.permissions import confirmed_required, login_required, posting_allowed
from app.antispam import PostingLimitReached
from app.page_cache import cached_for_visitors
from app.proposals import bp, permissions, services
from app.proposals.forms import ProposalForm, WithdrawForm
from app.proposals.models import Proposal, Sector
from app.security import wants_fragment

#: The session key of this visitor's seed for the random order.
SEED_KEY = "proposals_order_seed"


@bp.app_template_filter("proposal_cost")
def proposal_cost(value: Decimal | None) -> str:
    """An amount in zloty, formatted for the page's language ("250 000,00 zł")."""
    return format_currency(value, "PLN") if value is not None else ""


def _me():
    """The signed-in user itself, not the proxy (services may keep a reference)."""
    return current_user._get_current_object()


def _page() -> int:
    """The page number asked for, within bounds any database accepts."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))


def _order_seed() -> int:
    """The visitor's own seed for the random order, made on first use."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int) or not services.SEED_RANGE[0] <= seed < services.SEED_RANGE[1]:
        # Only shuffles a list; nothing secret depends on it.
        session[SEED_KEY] = random.randrange(*services.SEED_RANGE)  # noqa: S311
    return session[SEED_KEY]


def _random_order_asked() -> bool:
    """The random order is the visitor's own (their seed), so it is never shared."""
    return request.args.get("sort") == "random"


def _form_choices() -> dict:
    tree = services.goal_tree()
    return {"districts": services.all_districts(),
            "goal_ids": [goal.id for goal, _depth in services.flatten_goals(tree)],
            "goal_tree": tree}


def _load(proposal_id: int) -> tuple[Proposal, list, list[int]]:
    """The proposal and its co-authors; drafts are 404 to everyone but their authors."""
    proposal = services.get_proposal_or_404(proposal_id)
    coauthors = services.coauthors_of(proposal)
    coauthor_ids = [user.id for user in coauthors]
    if not permissions.can_view(current_user, proposal, coauthor_ids):
        abort(404)
    return proposal, coauthors, coauthor_ids


def _refused(proposal: Proposal, message: str):
    """A clear page, with 409, when the phase or the status forbids the action."""
    return render_template("proposals/refused.html", proposal=proposal, message=message), 409


@bp.route("/proposals")
@cached_for_visitors(unless=_random_order_asked)
def index():
    """Proposals with filters, search and sorting; htmx gets the results region alone."""
    filters = services.parse_filters(request.args)
    seed = _order_seed() if filters.sort == "random" else 0
    pagination = services.proposals_page(filters, _page(), seed)
    context = {"pagination": pagination, "filters": filters}
    if wants_fragment():
        return render_template("proposals/_results.html", **context)
    tree = services.goal_tree()
    return render_template(
        "proposals/index.html", **context, consultations=services.all_consultations(),
        districts=services.all_districts(), goals=services.flatten_goals(tree),
        statuses=services.LISTED_STATUSES, sectors=list(Sector))


@bp.route("/proposals/mine")
@login_required
def mine():
    """The signed-in user's proposals, drafts included."""
    return render_template("proposals/mine.html",
                           pagination=services.my_proposals_page(current_user, _page()))


@bp.route("/proposals/new", methods=["GET", "POST"])
@posting_allowed
def new():
    """Write a proposal for a consultation that accepts proposals now."""
    consultations = services.open_consultations()
    choices = _form_choices()
    form = ProposalForm(user=current_user, consultations=consultations,
                        districts=choices["districts"], goal_ids=choices["goal_ids"])
    requested = None
    if request.method == "GET" and request.args.get("consultation", "").isdigit():
        requested = services.get_consultation(int(request.args["consultation"]))
        if requested is not None and requested in consultations:
            form.consultation.data = str(requested.id)
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            proposal = services.create_proposal(
                _me(), form.consultations[form.consultation.data],
                form.proposal_data(with_coauthors=True), submit=form.wants_submit)
        except PostingLimitReached as limit:
            form.refusal = limit.message
            status, headers = limit.status, limit.headers
        else:
            flash(_("Your proposal is submitted. Moderators will review it.")
                  if form.wants_submit
                  else _("Your draft is saved. Only you and your co-authors can see it."),
                  "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    elif form.spam_refused:
        status = 422
    return render_template(
        "proposals/form.html", form=form, proposal=None, consultations=consultations,
        requested=requested,
        requested_phase=requested.phase_today() if requested else None,
        goal_tree=choices["goal_tree"]), status, headers


@bp.route("/proposals/<int:proposal_id>")
@cached_for_visitors()
def show(proposal_id: int):
    """A proposal's page: text, facts, authors, status history, supports and discussion."""
    proposal, coauthors, coauthor_ids = _load(proposal_id)
    phase = proposal.consultation.phase_today()
    return render_template(
        "proposals/show.html", proposal=proposal, coauthors=coauthors,
        goals=services.goals_of(proposal), history=services.status_history(proposal),
        can_edit=permissions.can_edit(current_user, proposal, coauthor_ids, phase),
        can_withdraw=permissions.can_withdraw(current_user, proposal, phase),
        action_form=ActionForm())


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@posting_allowed
def edit(proposal_id: int):
    """Change a draft or submitted proposal (authors and co-authors, proposals phase only)."""
    proposal, coauthors, coauthor_ids = _load(proposal_id)
    if not permissions.is_editor(current_user, proposal, coauthor_ids):
        abort(403)
    refusal = permissions.edit_refusal(proposal, proposal.consultation.phase_today())
    if refusal:
        return _refused(proposal, refusal)
    choices = _form_choices()
    form = ProposalForm.for_proposal(
        proposal, coauthors, [goal.id for goal in services.goals_of(proposal)],
        user=current_user, districts=choices["districts"], goal_ids=choices["goal_ids"])
    del form.consultation
    may_change_coauthors = permissions.can_change_coauthors(current_user, proposal)
    if not may_change_coauthors:
        del form.coauthors
    if form.validate_on_submit():
        was_draft = proposal.status in permissions.SUBMITTABLE_STATUSES
        services.update_proposal(proposal, _me(),
                                 form.proposal_data(with_coauthors=may_change_coauthors),
                                 submit=form.wants_submit)
        if was_draft and form.wants_submit:
            flash(_("Your proposal is submitted. Moderators will review it."), "success")
        else:
            flash(_("Your changes are saved."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return render_template("proposals/form.html", form=form, proposal=proposal,
                           coauthors=coauthors, goal_tree=choices["goal_tree"]), \
        422 if form.spam_refused else 200


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@posting_allowed
def submit(proposal_id: int):
    """Send a draft for review (authors and co-authors, proposals phase only)."""
    proposal, _coauthors, coauthor_ids = _load(proposal_id)
    if not permissions.is_editor(current_user, proposal, coauthor_ids):
        abort(403)
    refusal = permissions.edit_refusal(proposal, proposal.consultation.phase_today())
    if refusal:
        return _refused(proposal, refusal)
    if ActionForm().validate_on_submit() and proposal.status in permissions.SUBMITTABLE_STATUSES:
        services.submit_proposal(proposal, _me())
        flash(_("Your proposal is submitted. Moderators will review it."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@confirmed_required
def withdraw(proposal_id: int):
    """Withdraw a proposal for good, after a confirmation page (the author only)."""
    proposal, _coauthors, _ids = _load(proposal_id)
    if not permissions.is_author(current_user, proposal):
        abort(403)
    refusal = permissions.withdraw_refusal(proposal, proposal.consultation.phase_today())
    if refusal:
        return _refused(proposal, refusal)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw_proposal(proposal, _me(), form.reason.data)
        flash(_("Your proposal is withdrawn."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id), code=303)
    return render_template("proposals/withdraw.html", form=form, proposal=proposal)
