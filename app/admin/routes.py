"""Administration views: accounts and their roles, site settings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services as account_services
from app.accounts.forms import RoleForm
from app.accounts.models import Role, User
from app.accounts.permissions import role_required
from app.admin import bp, services
from app.admin.forms import SettingsForm
from app.admin.permissions import ADMIN_ROLE
from app.antispam import POSTING_LIMITS
from app.extensions import db
from app.moderation.services import reports_to_hide
from app.results.models import SECOND_APPROVAL_SETTING
from app.security import wants_fragment


@bp.route("/users")
@role_required(ADMIN_ROLE)
def users():
    """Accounts, searchable by name or email and filterable by role."""
    search = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    pagination = services.users_page(request.args.get("page", 1, type=int) or 1, search, role)
    template = "admin/_users_table.html" if wants_fragment() else "admin/users.html"
    return render_template(template, pagination=pagination, search=search, role=role,
                           roles=list(Role))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(ADMIN_ROLE)
def user_role(user_id: int):
    """Change one person's role, after an explicit confirmation."""
    user = db.get_or_404(User, user_id)
    if user.is_deleted:
        abort(404)
    form = RoleForm(role=user.role.value)
    if form.validate_on_submit():
        try:
            account_services.assign_role(user, Role(form.role.data), current_user)
        except account_services.AccountError:
            flash(_("The last administrator cannot lose the role. "
                    "Make someone else an administrator first."), "error")
        else:
            flash(_("%(name)s is now: %(role)s.", name=user.public_name,
                    role=user.role.label), "success")
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user.html", user=user, form=form)


@bp.route("/settings", methods=["GET", "POST"])
@role_required(ADMIN_ROLE)
def settings():
    """Site settings: how many proposals and comments a resident may post, how many reports
    hide an item pending review, and whether publishing results needs a second approval."""
    current: dict = {limit.key: str(limit.value()) for limit in POSTING_LIMITS}
    current["reports_to_hide"] = str(reports_to_hide())
    current[SECOND_APPROVAL_SETTING] = bool(services.get_setting(SECOND_APPROVAL_SETTING, True))
    form = SettingsForm(data=current if request.method == "GET" else None)
    if form.validate_on_submit():
        values: dict = form.settings()
        if "results_settings" in request.form:  # the page sends it: its checkbox was shown
            values[SECOND_APPROVAL_SETTING] = bool(form.results_second_approval.data)
        services.save_settings(values, current_user._get_current_object())
        flash(_("The settings are saved."), "success")
        return redirect(url_for("admin.settings"), code=303)
    return render_template("admin/settings.html", form=form, limits=POSTING_LIMITS)
