"""Views: the profile with consent, the participation dashboards, the population reference and
citizens' panels. Thin: parse, authorise, call a service, render or redirect."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.permissions import confirmed_required, login_required, role_required
from app.consultations.models import Consultation
from app.extensions import db
from app.inclusion import bp, dashboard, draw, panels, services
from app.inclusion.forms import (
    ApplyForm,
    ConfirmForm,
    MessageForm,
    PanelForm,
    PopulationImportForm,
    ProfileForm,
    QuotasForm,
    RecommendationForm,
)
from app.inclusion.models import PanelStatus
from app.inclusion.permissions import MANAGE_ROLE, can_manage, can_volunteer

MAX_PAGE = 100_000


def _page() -> int:
    """The requested page, within 1 and MAX_PAGE (a huge number must not reach the OFFSET)."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, MAX_PAGE))


# --- profile ---------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Give, change or see one's profile (optional, with explicit consent)."""
    existing = services.profile_of(current_user)
    form = ProfileForm(services.districts(), data=panels.prefill_from(existing)
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        services.save_profile(current_user, **form.answers())
        flash(_("Your profile is saved. Thank you."), "success")
        return redirect(url_for(".profile"), code=303)
    return render_template("inclusion/profile.html", form=form, profile=existing,
                           withdraw_form=ConfirmForm())


@bp.route("/profile/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_profile():
    """Withdraw consent: the profile is deleted at once, after a confirmation step."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.withdraw_consent(current_user)
        flash(_("Your consent is withdrawn and your answers are deleted."), "success")
        return redirect(url_for(".profile"), code=303)
    return render_template("inclusion/withdraw.html", form=form,
                           profile=services.profile_of(current_user))


# --- dashboards ------------------------------------------------------------------------------


def _dimension() -> dashboard.Dimension:
    try:
        return dashboard.Dimension(request.args.get("dimension", "gender"))
    except ValueError:
        return dashboard.Dimension.GENDER


@bp.route("/")
def platform_dashboard():
    """Who takes part on the whole platform compared with who lives here, and the trend."""
    dimension = _dimension()
    return render_template("inclusion/dashboard.html", consultation=None,
                           data=dashboard.dashboard(None), dimension=dimension,
                           dimensions=list(dashboard.Dimension),
                           trend=dashboard.trend(dimension, dashboard.consultations_in_order()))


@bp.route("/consultations/<int:consultation_id>")
def consultation_dashboard(consultation_id: int):
    """Who takes part in one consultation compared with who lives here."""
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template("inclusion/dashboard.html", consultation=consultation,
                           data=dashboard.dashboard(consultation), dimension=None,
                           dimensions=list(dashboard.Dimension), trend=None)


# --- population ------------------------------------------------------------------------------


@bp.route("/population")
def population():
    """The population reference: adults by district, age band and gender."""
    return render_template("inclusion/population.html", table=services.population_table(),
                           bands=list(services.AgeBand), can_manage=can_manage(current_user))


@bp.route("/population/example.csv")
def population_example():
    """An example population file in the accepted shape."""
    return Response(services.EXAMPLE_FILE.read_text(encoding="utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=population.csv"})


@bp.route("/population/import", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def import_population():
    """Replace the population reference from a CSV file: all of it, or nothing."""
    form = PopulationImportForm()
    problems: list = []
    if form.validate_on_submit():
        rows, problems = services.parse_population_csv(form.text,
                                                       services.district_ids_by_name())
        if not problems:
            count = services.import_population(rows, form.source.data, current_user)
            flash(ngettext("Imported %(num)d row.", "Imported %(num)d rows.", count), "success")
            return redirect(url_for(".population"), code=303)
        form.file.errors.append(ngettext(
            "The file has %(num)d problem. Nothing was imported.",
            "The file has %(num)d problems. Nothing was imported.", len(problems)))
    return render_template("inclusion/import.html", form=form, problems=problems,
                           shown=problems[:1000], example=services.EXAMPLE_CSV,
                           bands=list(services.AgeBand))


# --- panels ----------------------------------------------------------------------------------


@bp.route("/panels")
def panel_list():
    """Citizens' panels: open calls and drawn panels."""
    page = _page()
    return render_template("inclusion/panels.html", pagination=panels.panels_page(page),
                           can_manage=can_manage(current_user))


@bp.route("/panels/new", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def create_panel():
    """Open a call for volunteers for a panel of a given size."""
    form = PanelForm(panels.consultation_choices())
    if form.validate_on_submit():
        panel = panels.create_panel(form.title.data, form.description.data or "",
                                    form.size.data, form.consultation.data or None,
                                    current_user)
        flash(_("The call for volunteers is open. Set the quotas next."), "success")
        return redirect(url_for(".panel", panel_id=panel.id), code=303)
    return render_template("inclusion/panel_form.html", form=form)


@bp.route("/panels/<int:panel_id>")
def panel(panel_id: int):
    """A panel: its call, seed, composition against the quotas and each volunteer's chance."""
    panel = panels.get_panel_or_404(panel_id)
    district_names = dashboard.district_names()
    volunteers = panels.volunteers(panel)
    return render_template(
        "inclusion/panel.html", panel=panel, volunteers=volunteers,
        composition=panels.composition(panel, district_names),
        mine=panels.volunteer_of(panel, current_user), can_manage=can_manage(current_user),
        can_volunteer=can_volunteer(current_user), draw_available=draw.available(),
        problems=panels.quota_problems(panel) if can_manage(current_user) else [],
        recommendations=panels.recommendations(panel),
        in_space=panels.can_enter_space(panel, current_user), action_form=ConfirmForm())


@bp.route("/panels/<int:panel_id>/apply", methods=["GET", "POST"])
@confirmed_required
def apply(panel_id: int):
    """Volunteer for a panel with the profile's answers."""
    panel = panels.get_panel_or_404(panel_id)
    if not panel.is_open:
        return render_template("inclusion/panel_closed.html", panel=panel), 409
    mine = panels.volunteer_of(panel, current_user)
    data = (panels.prefill_from(services.profile_of(current_user))
            if request.method == "GET" else None)
    if mine is not None and request.method == "GET":
        data = {"gender": mine.gender.value, "age_band": mine.age_band.value,
                "district": mine.district_id or 0, "work_situation": mine.work_situation.value}
    form = ApplyForm(services.districts(), data=data)
    if form.validate_on_submit():
        try:
            panels.apply(panel, current_user, **form.answers())
        except panels.PanelClosed:
            return render_template("inclusion/panel_closed.html", panel=panel), 409
        flash(_("Thank you for volunteering. You will hear from us if you are drawn."),
              "success")
        return redirect(url_for(".panel", panel_id=panel.id), code=303)
    return render_template("inclusion/apply.html", panel=panel, form=form, mine=mine)


@bp.route("/panels/<int:panel_id>/withdraw", methods=["POST"])
@login_required
def withdraw_application(panel_id: int):
    """Withdraw one's application while the panel takes volunteers."""
    panel = panels.get_panel_or_404(panel_id)
    if panels.volunteer_of(panel, current_user) is None:
        abort(404)
    try:
        panels.withdraw(panel, current_user)
    except panels.PanelClosed:
        return render_template("inclusion/panel_closed.html", panel=panel), 409
    flash(_("Your application is withdrawn."), "success")
    return redirect(url_for(".panel", panel_id=panel.id), code=303)


def _allowed_quota_keys() -> set[tuple[str, str]]:
    names = dashboard.district_names()
    return {(feature, value) for feature in draw.FEATURES
            for value in dashboard.labels_for(dashboard.Dimension(feature), names)}


@bp.route("/panels/<int:panel_id>/quotas", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def panel_quotas(panel_id: int):
    """Set the panel's quotas, proposed from the population shares."""
    panel = panels.get_panel_or_404(panel_id)
    if not panel.is_open:
        return render_template("inclusion/panel_closed.html", panel=panel), 409
    names = dashboard.district_names()
    if request.method == "GET":
        current = panels.draw_quotas(panel)
        if not current or request.args.get("from") == "population":
            current = panels.proportional_quotas(panel.size)
        form = QuotasForm(data={"rows": [
            {"feature": q.feature, "value": q.value, "minimum": q.minimum,
             "maximum": q.maximum} for q in current]})
    else:
        form = QuotasForm()
    if form.validate_on_submit():
        rows = [(row.feature.data, row.value.data, row.minimum.data, row.maximum.data)
                for row in form.rows]
        if not rows or not {(f, v) for f, v, _a, _b in rows} <= _allowed_quota_keys():
            abort(400)
        panels.set_quotas(panel, [draw.Quota(*row) for row in rows], current_user)
        flash(_("The quotas are saved."), "success")
        return redirect(url_for(".panel", panel_id=panel.id), code=303)
    labels = {feature: dashboard.labels_for(dashboard.Dimension(feature), names)
              for feature in draw.FEATURES}
    return render_template("inclusion/quotas.html", panel=panel, form=form, labels=labels,
                           dimension_labels={d.value: d.label for d in dashboard.Dimension})


@bp.route("/panels/<int:panel_id>/seed", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def publish_seed(panel_id: int):
    """Close the call and publish the seed of the draw, after a confirmation step."""
    panel = panels.get_panel_or_404(panel_id)
    problems = panels.quota_problems(panel)
    if not panel.is_open:
        return render_template("inclusion/panel_closed.html", panel=panel), 409
    form = ConfirmForm()
    if not problems and form.validate_on_submit():
        panels.publish_seed(panel, current_user)
        flash(_("The seed is published. Anyone can now check the draw."), "success")
        return redirect(url_for(".panel", panel_id=panel.id), code=303)
    return render_template("inclusion/confirm_seed.html", panel=panel, form=form,
                           problems=problems)


@bp.route("/panels/<int:panel_id>/draw", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def draw_panel(panel_id: int):
    """Draw the panel from the published seed, after a confirmation step."""
    panel = panels.get_panel_or_404(panel_id)
    if panel.status is not PanelStatus.SEEDED:
        return render_template("inclusion/panel_closed.html", panel=panel), 409
    form = ConfirmForm()
    error = None
    if not draw.available():
        error = _("The draw needs the optional sortition-algorithms library, which is not "
                  "installed on this server. Ask the administrator to install Agora with "
                  "the “panels” extra: pip install -e \".[panels]\".")
    elif form.validate_on_submit():
        try:
            panels.run_panel_draw(panel, current_user)
        except draw.DrawFailed as failure:
            db.session.rollback()
            error = _("No panel meets these quotas with these volunteers (%(detail)s). "
                      "The quotas can no longer change after the seed is published.",
                      detail=str(failure)[:300])
        else:
            flash(_("The panel is drawn and its members are notified."), "success")
            return redirect(url_for(".panel", panel_id=panel.id), code=303)
    return render_template("inclusion/confirm_draw.html", panel=panel, form=form, error=error)


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/panels/<int:panel_id>/pool.csv")
def panel_pool(panel_id: int):
    """The volunteers' numbers and answers (no names), once the seed is published."""
    panel = panels.get_panel_or_404(panel_id)
    if panel.is_open:
        abort(404)
    return _csv(panels.pool_csv(panel), f"panel-{panel.id}-pool.csv")


@bp.route("/panels/<int:panel_id>/quotas.csv")
def panel_quotas_csv(panel_id: int):
    """The panel's quotas in the library's features format."""
    panel = panels.get_panel_or_404(panel_id)
    return _csv(panels.quotas_csv(panel), f"panel-{panel.id}-quotas.csv")


@bp.route("/panels/<int:panel_id>/space", methods=["GET", "POST"])
@login_required
def panel_space(panel_id: int):
    """The panel's private discussion space: members and staff only."""
    panel = panels.get_panel_or_404(panel_id)
    panels.require_space(panel, current_user)
    form = MessageForm()
    if form.validate_on_submit():
        panels.post_message(panel, current_user, form.body.data)
        return redirect(url_for(".panel_space", panel_id=panel.id, _anchor="new-message"),
                        code=303)
    page = _page()
    return render_template("inclusion/space.html", panel=panel, form=form,
                           pagination=panels.messages_page(panel, page))


@bp.route("/panels/<int:panel_id>/recommendations/new", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def add_recommendation(panel_id: int):
    """Publish one of the panel's recommendations, linked to a proposal."""
    panel = panels.get_panel_or_404(panel_id)
    if panel.status is not PanelStatus.DRAWN:
        return render_template("inclusion/panel_closed.html", panel=panel), 409
    form = RecommendationForm(panels.consultation_proposals(panel))
    if form.validate_on_submit():
        panels.publish_recommendation(panel, form.text.data, form.proposal.data or None,
                                      current_user)
        flash(_("The recommendation is published."), "success")
        return redirect(url_for(".panel", panel_id=panel.id, _anchor="recommendations"),
                        code=303)
    return render_template("inclusion/recommendation_form.html", panel=panel, form=form)
