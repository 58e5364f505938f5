"""Views of supports and pledges: the support toggle, pledging and withdrawing a pledge.

Without JavaScript each action answers 303 back to the proposal page; an htmx request gets
the fresh fragment instead: the support form (`supports/_support_button.html`) or the whole
panel (`supports/_panel.html`). When supports are closed a page request gets 409 with the
reason; an htmx request gets the fragment (status 200, since htmx does not swap error
responses), which states the reason.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import block_message, confirmed_required, login_required
from app.organisations.services import approved_organisations_of
from app.proposals.models import Proposal
from app.security import wants_fragment
from app.supports import bp, services
from app.supports.forms import SELF, PledgeForm
from app.supports.models import PledgeRole
from app.supports.permissions import can_withdraw_pledge, represented_organisation

BUTTON = "supports/_support_button.html"
PANEL = "supports/_panel.html"


def support_panel(proposal: Proposal, form: PledgeForm | None = None) -> dict[str, Any]:
    """The panel's data for templates: `services.panel_data` plus the pledge form."""
    panel = services.panel_data(proposal, current_user)
    if form is None and panel["can_act"]:
        form = PledgeForm(panel["my_organisations"], formdata=None,
                          data={"role": PledgeRole.MEMBER.value, "on_behalf": SELF})
    panel["form"] = form
    return panel


@bp.app_context_processor
def _panel_helper() -> dict[str, Any]:
    return {"support_panel": support_panel}


def _back_to(proposal: Proposal):
    return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="support-panel"),
                    code=303)


def _fragment(template: str, proposal: Proposal, **context: Any) -> str:
    """The support form (which needs the panel's data) or the whole panel (which loads it)."""
    if template == BUTTON:
        context["panel"] = support_panel(proposal)
    return render_template(template, proposal=proposal, **context)


def _closed(proposal: Proposal, reason: str, fragment: str):
    if wants_fragment():
        return _fragment(fragment, proposal)
    return render_template("supports/closed.html", proposal=proposal, reason=reason), 409


def _toggle(proposal_id: int, action, done: str, *, posting: bool = True):
    proposal = services.get_proposal_or_404(proposal_id)
    if posting and current_user.is_blocked:
        return _closed(proposal, block_message(current_user), BUTTON)
    try:
        action(proposal, current_user)
    except services.SupportsClosed as closed:
        return _closed(proposal, str(closed), BUTTON)
    if wants_fragment():
        return _fragment(BUTTON, proposal)
    flash(done, "success")
    return _back_to(proposal)


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@confirmed_required
def support(proposal_id: int):
    """Support a proposal; supporting twice counts once."""
    return _toggle(proposal_id, services.support_proposal,
                   _("Thank you: your support is counted."))


@bp.route("/proposals/<int:proposal_id>/unsupport", methods=["POST"])
@confirmed_required
def unsupport(proposal_id: int):
    """Withdraw one's support for a proposal."""
    return _toggle(proposal_id, services.withdraw_support, _("Your support is withdrawn."),
                   posting=False)


def _panel_page(proposal: Proposal, form: PledgeForm):
    """The panel with the pledge form's errors: alone for htmx, else on a page of its own."""
    template = PANEL if wants_fragment() else "supports/pledge.html"
    return render_template(template, proposal=proposal, pledge_form=form)


@bp.route("/proposals/<int:proposal_id>/pledges", methods=["POST"])
@confirmed_required
def pledge(proposal_id: int):
    """Pledge to join the proposal's cooperative, as oneself or for an organisation."""
    proposal = services.get_proposal_or_404(proposal_id)
    reason = services.closed_reason(proposal)
    if reason is None and current_user.is_blocked:
        reason = block_message(current_user)
    if reason is not None:
        return _closed(proposal, reason, PANEL)
    form = PledgeForm(approved_organisations_of(current_user))
    if not form.validate_on_submit():
        return _panel_page(proposal, form)
    organisation = None
    if form.organisation_id is not None:
        organisation = represented_organisation(current_user, form.organisation_id)
        if organisation is None:
            abort(403)
    try:
        services.make_pledge(proposal, current_user, form.pledge_role, organisation)
    except services.SupportsClosed as closed:
        return _closed(proposal, str(closed), PANEL)
    message = _("Your pledge is recorded. Thank you.")
    if wants_fragment():
        return _fragment(PANEL, proposal, panel_message=message)
    flash(message, "success")
    return _back_to(proposal)


@bp.route("/proposals/<int:proposal_id>/pledges/<int:pledge_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int, pledge_id: int):
    """Withdraw a pledge one made."""
    proposal = services.get_proposal_or_404(proposal_id)
    pledge = services.get_pledge_or_404(proposal, pledge_id)
    if not can_withdraw_pledge(current_user, pledge):
        abort(403)
    try:
        services.withdraw_pledge(proposal, pledge)
    except services.SupportsClosed as closed:
        return _closed(proposal, str(closed), PANEL)
    message = _("Your pledge is withdrawn.")
    if wants_fragment():
        return _fragment(PANEL, proposal, panel_message=message)
    flash(message, "success")
    return _back_to(proposal)
