"""Organisation views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import confirmed_required, role_required
from app.organisations import bp, services
from app.organisations.forms import NEW, DecisionForm, RepresentationRequestForm
from app.organisations.permissions import DECIDE_ROLE


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/")
def index():
    """Organisations taking part, alphabetically, paginated."""
    return render_template("organisations/index.html",
                           pagination=services.organisations_page(_page()))


@bp.route("/<int:organisation_id>")
def show(organisation_id: int):
    """An organisation's public page with its representatives."""
    organisation = services.get_public_organisation_or_404(organisation_id)
    return render_template("organisations/show.html", organisation=organisation,
                           representatives=services.approved_representatives(organisation))


@bp.route("/represent", methods=["GET", "POST"])
@confirmed_required
def represent():
    """Ask to represent an organisation (staff approve)."""
    form = RepresentationRequestForm(services.public_organisations())
    if request.method == "GET" and request.args.get("organisation", "").isdigit():
        form.organisation.data = request.args["organisation"]
    if form.validate_on_submit():
        chosen = form.organisation.data
        try:
            services.request_representation(
                current_user,
                organisation_id=None if chosen == NEW else int(chosen),
                role_in_organisation=form.role_in_organisation.data,
                new_name=form.name.data, new_kind=form.kind.data,
                registry_number=form.registry_number.data, website=form.website.data,
            )
        except services.RepresentationError as error:
            form.organisation.errors.append(
                _("You have already asked to represent this organisation.")
                if str(error) == "already-requested"
                else _("This organisation is not available. Choose another one."))
        else:
            flash(_("Your request is sent. City staff will review it."), "success")
            return redirect(url_for("accounts.profile"), code=303)
    return render_template("organisations/represent.html", form=form)


@bp.route("/requests")
@role_required(DECIDE_ROLE)
def requests():
    """Representation requests waiting for a decision."""
    return render_template("organisations/requests.html",
                           pagination=services.pending_requests_page(_page()))


@bp.route("/requests/<int:representation_id>", methods=["GET", "POST"])
@role_required(DECIDE_ROLE)
def decide(representation_id: int):
    """Approve or reject one request."""
    representation = services.get_pending_request_or_404(representation_id)
    form = DecisionForm()
    if form.validate_on_submit():
        approve = bool(form.approve.data) and not form.reject.data
        services.decide_request(representation, current_user, approve=approve,
                                note=form.decision_note.data)
        flash(_("Request approved.") if approve else _("Request rejected."), "success")
        return redirect(url_for("organisations.requests"), code=303)
    return render_template("organisations/decide.html", form=form,
                           representation=representation)
