"""Views of consultations, districts, the strategy and the indicator import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import clock
from app.accounts.permissions import role_required
from app.consultations import bp, services
from app.consultations.forms import (
    ConfirmForm,
    ConsultationForm,
    DistrictForm,
    GoalForm,
    IndicatorImportForm,
)
from app.consultations.models import Consultation, District, Indicator, StrategyGoal
from app.consultations.permissions import MANAGE_ROLE, can_manage
from app.extensions import db
from app.page_cache import cached_for_visitors


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.context_processor
def _permissions() -> dict:
    return {"may_manage": can_manage(current_user)}


# -- Consultations -------------------------------------------------------------------------


@bp.route("/consultations")
@cached_for_visitors()
def index():
    """Consultations open now, upcoming, and past (paginated)."""
    day = clock.today()
    return render_template(
        "consultations/index.html", day=day,
        open_now=services.open_consultations(day),
        upcoming=services.upcoming_consultations(day),
        pagination=services.past_consultations_page(day, _page()))


@bp.route("/consultations/<int:consultation_id>")
@cached_for_visitors()
def show(consultation_id: int):
    """A consultation: its description, timeline and what one can do in the current phase."""
    consultation = db.get_or_404(Consultation, consultation_id)
    day = clock.today()
    return render_template(
        "consultations/show.html", consultation=consultation,
        phase=consultation.phase_on(day), steps=services.timeline(consultation, day),
        next_start=services.next_phase_start(consultation, day),
        description=services.paragraphs(consultation.description))


@bp.route("/consultations/new", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def create():
    """Open a new consultation."""
    form = ConsultationForm()
    if form.validate_on_submit():
        consultation = services.create_consultation(current_user, **form.values())
        flash(_("The consultation is saved."), "success")
        return redirect(url_for(".show", consultation_id=consultation.id), code=303)
    return render_template("consultations/form.html", form=form, consultation=None)


@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def edit(consultation_id: int):
    """Change a consultation's texts, phase dates or support threshold."""
    consultation = db.get_or_404(Consultation, consultation_id)
    # Stored values fill the form only when it is shown; a post must carry every field.
    form = ConsultationForm(obj=consultation if request.method == "GET" else None)
    if form.validate_on_submit():
        services.update_consultation(consultation, current_user, **form.values())
        flash(_("The consultation is saved."), "success")
        return redirect(url_for(".show", consultation_id=consultation.id), code=303)
    return render_template("consultations/form.html", form=form, consultation=consultation)


# -- Districts -----------------------------------------------------------------------------


@bp.route("/consultations/districts", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def districts():
    """The city's districts, with a form to add one."""
    form = DistrictForm(services.all_districts())
    if form.validate_on_submit():
        try:
            district = services.add_district(form.name.data, current_user)
        except services.DistrictError:
            form.name.errors.append(_("A district with this name already exists."))
        else:
            flash(_("District “%(name)s” added.", name=district.name), "success")
            return redirect(url_for(".districts"), code=303)
    return render_template("consultations/districts.html", form=form,
                           districts=services.districts_with_usage())


@bp.route("/consultations/districts/<int:district_id>/edit", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def rename_district(district_id: int):
    """Rename a district."""
    district = db.get_or_404(District, district_id)
    form = DistrictForm(services.all_districts(), district,
                        obj=district if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.rename_district(district, form.name.data, current_user)
        except services.DistrictError:
            form.name.errors.append(_("A district with this name already exists."))
        else:
            flash(_("District renamed to “%(name)s”.", name=district.name), "success")
            return redirect(url_for(".districts"), code=303)
    return render_template("consultations/district_form.html", form=form, district=district)


@bp.route("/consultations/districts/<int:district_id>/delete", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def delete_district(district_id: int):
    """Delete a district no proposal uses, after a confirmation step."""
    district = db.get_or_404(District, district_id)
    usage = services.district_usage(district)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = district.name
        try:
            services.delete_district(district, current_user)
        except services.DistrictError:
            flash(_("The district cannot be deleted: proposals are placed in it."), "error")
        else:
            flash(_("District “%(name)s” deleted.", name=name), "success")
        return redirect(url_for(".districts"), code=303)
    return render_template("consultations/district_delete.html", form=form, district=district,
                           usage=usage)


# -- Strategy ------------------------------------------------------------------------------


@bp.route("/strategy")
@cached_for_visitors()
def strategy():
    """The city strategy: its goals, each with its objectives."""
    return render_template("consultations/strategy.html", tree=services.strategy_tree())


@bp.route("/strategy/<code>")
@cached_for_visitors()
def goal(code: str):
    """A goal or objective with its indicators and the proposals that serve it."""
    from app.implementation import services as implementation

    goal = services.get_goal_by_code_or_404(code)
    objectives = services.objectives_of(goal)
    goal_ids = [goal.id, *(o.id for o in objectives)]
    pagination = services.goal_proposals_page(goal_ids, _page())
    return render_template(
        "consultations/goal.html", goal=goal, parent=services.parent_of(goal),
        objectives=objectives, description=services.paragraphs(goal.description),
        indicators=services.indicators_with_values(goal), pagination=pagination,
        rollup=implementation.goal_rollup(goal_ids),
        projects={row.proposal.id: row for row in implementation.rows_for(
            p for p in pagination.items if implementation.is_funded(p))},
        votes=implementation.published_votes([p.id for p in pagination.items]))


@bp.route("/strategy/goals/new", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def create_goal():
    """Add a goal of the strategy, or an objective under one."""
    form = GoalForm(services.all_goals())
    if request.method == "GET" and request.args.get("parent", "").isdigit():
        form.parent.data = request.args["parent"]
    if form.validate_on_submit():
        try:
            goal = services.create_goal(code=form.code.data, title=form.title.data,
                                        description=form.description.data,
                                        parent_id=form.parent_id, actor=current_user)
        except services.GoalError:
            form.code.errors.append(_("Another goal or objective already has this code."))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".goal", code=goal.code), code=303)
    return render_template("consultations/goal_form.html", form=form, goal=None)


@bp.route("/strategy/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def edit_goal(goal_id: int):
    """Change a goal or objective; objectives follow a goal's new code."""
    goal = db.get_or_404(StrategyGoal, goal_id)
    has_objectives = bool(services.objectives_of(goal))
    stored = {"code": goal.code, "title": goal.title, "description": goal.description,
              "parent": str(goal.parent_id or "")}
    form = GoalForm(services.all_goals(), goal, has_objectives,
                    data=stored if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_goal(goal, code=form.code.data, title=form.title.data,
                                 description=form.description.data, parent_id=form.parent_id,
                                 actor=current_user)
        except services.GoalError:
            form.code.errors.append(_("Another goal or objective already has this code."))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".goal", code=goal.code), code=303)
    return render_template("consultations/goal_form.html", form=form, goal=goal)


@bp.route("/strategy/goals/<int:goal_id>/delete", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def delete_goal(goal_id: int):
    """Delete a goal with its objectives and indicators, after a confirmation step."""
    goal = db.get_or_404(StrategyGoal, goal_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_goal(goal, current_user)
        flash(_("Deleted."), "success")
        return redirect(url_for(".strategy"), code=303)
    return render_template("consultations/goal_delete.html", form=form, goal=goal,
                           summary=services.goal_deletion_summary(goal))


@bp.route("/strategy/indicators/<int:indicator_id>/delete", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def delete_indicator(indicator_id: int):
    """Delete an indicator and its yearly values, after a confirmation step."""
    indicator = db.get_or_404(Indicator, indicator_id)
    goal = db.session.get(StrategyGoal, indicator.goal_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_indicator(indicator, current_user)
        flash(_("Deleted."), "success")
        return redirect(url_for(".goal", code=goal.code), code=303)
    return render_template("consultations/indicator_delete.html", form=form,
                           indicator=indicator, goal=goal)


@bp.route("/strategy/indicators/import", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def import_indicators():
    """Import indicators and their yearly values from a CSV file: all of it, or nothing."""
    form = IndicatorImportForm()
    problems: list[services.CsvProblem] = []
    if form.validate_on_submit():
        rows, problems = services.parse_indicator_csv(form.text, services.known_goal_codes())
        if not problems:
            try:
                summary = services.import_indicators(rows, current_user)
            except services.ImportConflictError:
                form.file.errors.append(_(
                    "The goals changed while the file was imported. Nothing was imported; "
                    "send the file again."))
            else:
                flash(_("Imported: %(created)s indicators created, %(updated)s updated, "
                        "%(values)s yearly values saved.", created=summary.created,
                        updated=summary.updated, values=summary.values), "success")
                return redirect(url_for(".strategy"), code=303)
        else:
            form.file.errors.append(ngettext(
                "The file has %(num)d problem. Nothing was imported.",
                "The file has %(num)d problems. Nothing was imported.", len(problems)))
    return render_template("consultations/import.html", form=form, problems=problems,
                           shown=services.shown_problems(problems),
                           columns=services.FIXED_COLUMNS, example=services.EXAMPLE_CSV)
