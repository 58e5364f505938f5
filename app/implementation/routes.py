"""Implementation pages: a consultation's funded projects with the roll-up; staff updates."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import charts
from app.accounts.permissions import role_required
from app.consultations.models import Consultation
from app.consultations.services import HIDDEN_STATUSES
from app.extensions import db
from app.implementation import bp, services
from app.implementation.forms import UpdateForm
from app.implementation.models import CooperativeStage
from app.implementation.permissions import MANAGE_ROLE, can_report
from app.page_cache import cached_for_visitors
from app.proposals.models import Proposal
from app.text import render_markdown


def _me():
    """The signed-in user itself, not the proxy."""
    return current_user._get_current_object()


@bp.route("/consultations/<int:consultation_id>/implementation")
@cached_for_visitors()
def consultation(consultation_id: int):
    """The consultation's funded projects: status, progress and the cost-weighted roll-up."""
    consultation = db.get_or_404(Consultation, consultation_id)
    rollup, rows = services.consultation_rollup(consultation)
    return render_template("implementation/consultation.html", consultation=consultation,
                           rollup=rollup, rows=rows,
                           goals_summary=services.goal_summaries(consultation),
                           may_report=can_report(current_user))


def _refusal_page(proposal: Proposal):
    return render_template("implementation/not_funded.html", proposal=proposal), 409


@bp.route("/proposals/<int:proposal_id>/implementation/update", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def add_update(proposal_id: int):
    """Staff write a dated update; a valid form is shown once more to confirm before saving."""
    proposal = db.get_or_404(Proposal, proposal_id)
    if proposal.status in HIDDEN_STATUSES:
        abort(404)
    if not services.is_funded(proposal):
        return _refusal_page(proposal)
    state = services.state_of(proposal)
    form = UpdateForm()
    if request.method == "GET":
        form.status.data = state.status.value
        form.progress.data = state.progress
        form.cooperative_stage.data = state.cooperative_stage.value if state.cooperative_stage \
            else ""
        return render_template("implementation/update_form.html", proposal=proposal, form=form,
                               state=state)
    if not form.validate_on_submit():
        return render_template("implementation/update_form.html", proposal=proposal, form=form,
                               state=state), 422
    values = form.values
    if form.confirmed.data == "back":
        form.confirmed.data = ""
        return render_template("implementation/update_form.html", proposal=proposal, form=form,
                               state=state)
    if form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template("implementation/update_confirm.html", proposal=proposal,
                               form=form, values=values, state=state,
                               latest=services.is_latest(proposal, values["update_date"]),
                               preview=render_markdown(values["text"]))
    try:
        services.add_update(proposal, _me(), **values)
    except services.ImplementationError:
        return _refusal_page(proposal)
    flash(_("The update is published on the project's page."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#implementation",
                    code=303)



@bp.app_context_processor
def implementation_helpers() -> dict:
    """`implementation_of(proposal)` for the section on a proposal's page (funded only)."""
    return {"implementation_of": _implementation_of, "cooperative_stages": list(CooperativeStage),
            "goal_summaries": services.goal_summaries, "percent": services.percent,
            "bar_chart": charts.bar_chart, "line_chart": charts.line_chart,
            "indicator_points": _indicator_points}


def _indicator_points(values) -> list:
    """(year, value) pairs of an indicator's yearly values, for `line_chart`."""
    return [(value.year, value.value) for value in values]


def _implementation_of(proposal: Proposal) -> dict | None:
    if not services.is_funded(proposal):
        return None
    return {"state": services.state_of(proposal), "updates": services.updates_page(proposal),
            "may_report": can_report(current_user)}
