"""Account views: thin wrappers that parse, authorise, call services and render."""

from __future__ import annotations

import json

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import bp, services
from app.accounts.forms import (
    ActionForm,
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.accounts.permissions import login_required
from app.extensions import limiter, remote_address
from app.security import is_safe_redirect


def _email_key() -> str:
    """Rate-limit key for per-account limits: the address typed, whether or not it exists."""
    email = services.normalize_email(request.form.get("email", ""))[:254]
    return f"account:{email}" if email else f"ip:{remote_address()}"


def _limit(name: str):
    return lambda: current_app.config[name]


def _flagged(name: str):
    return lambda response: bool(g.get(name))


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("REGISTER_LIMIT_PER_IP"), methods=["POST"],
               deduct_when=_flagged("form_accepted"))
def register():
    """Create an account; the answer is the same whether or not the address is known."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        g.form_accepted = True
        services.register_user(form.email.data, form.display_name.data, form.password.data,
                               _locale())
        return redirect(url_for("accounts.check_email"), code=303)
    return render_template("accounts/register.html", form=form), 422 if form.spam_refused else 200


@bp.route("/check-email")
def check_email():
    """Tell a new registrant to look for the confirmation message."""
    return render_template("accounts/check_email.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """Show a button that confirms the address (a GET from a mail scanner changes nothing)."""
    form = ActionForm()
    if form.validate_on_submit():
        user = services.confirm_email(token)
        if user is None:
            flash(_("This confirmation link is invalid or has expired. "
                    "Log in and ask for a new one."), "error")
            return redirect(url_for("accounts.login"), code=303)
        flash(_("Thank you, your email address is confirmed."), "success")
        target = "accounts.profile" if current_user.is_authenticated else "accounts.login"
        return redirect(url_for(target), code=303)
    return render_template("accounts/confirm.html", form=form)


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour", methods=["POST"])
def resend_confirmation():
    """Send a new confirmation link to the signed-in user."""
    form = ActionForm()
    if form.validate_on_submit():
        services.resend_confirmation(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email),
              "success")
    return redirect(url_for("accounts.profile"), code=303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_LIMIT_PER_ACCOUNT"), key_func=_email_key, methods=["POST"],
               deduct_when=_flagged("login_failed"), scope="login-account")
@limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"], scope="login-ip")
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            locale = session.get("locale")
            session.clear()
            if locale and not user.locale:
                services.set_locale(user, locale)
            services.start_login_session(user)
            login_user(user)
            session.permanent = True
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            target = form.next.data
            return redirect(target if is_safe_redirect(target) else url_for("main.home"),
                            code=303)
        g.login_failed = True
        form.password.errors.append(_("The email address or the password is not right."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out this browser; the login is ended on the server too."""
    form = ActionForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        services.end_login_session(current_user.login_token)
        locale = current_user.locale
        logout_user()
        session.clear()
        if locale:
            session["locale"] = locale
        flash(_("You are logged out."), "success")
    return redirect(url_for("main.home"), code=303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RESET_LIMIT_PER_ACCOUNT"), key_func=_email_key, methods=["POST"],
               scope="reset-account")
@limiter.limit(_limit("RESET_LIMIT_PER_IP"), methods=["POST"], scope="reset-ip")
def reset_request():
    """Ask for a password reset link; the answer never says whether the address exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, _locale())
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid, already used or expired. Ask for a new one."),
              "error")
        return redirect(url_for("accounts.reset_request"), code=303)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"), code=303)
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    """Edit the display name and language; links to the other account pages."""
    from app.organisations.services import representations_of

    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.display_name.data, form.locale.data)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"), code=303)
    return render_template(
        "accounts/profile.html", form=form, action_form=ActionForm(),
        representations=representations_of(current_user),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; other signed-in browsers are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.password.data)
        except services.AccountError:
            form.current_password.errors.append(_("The current password is not right."))
        else:
            flash(_("Your password is changed. Other browsers were signed out."), "success")
            return redirect(url_for("accounts.profile"), code=303)
    return render_template("accounts/change_password.html", form=form)


@bp.route("/data.json")
@login_required
def download_data():
    """Everything we hold about the signed-in user, as a JSON file."""
    payload = json.dumps(services.export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        payload, mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=agora-my-data.json"},
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Erase the account after the password and an explicit confirmation."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except services.AccountError as error:
            if str(error) == "last-admin":
                flash(_("You are the last administrator. Make someone else an administrator "
                        "before deleting your account."), "error")
            else:
                form.password.errors.append(_("The password is not right."))
        else:
            logout_user()
            session.clear()
            flash(_("Your account is deleted. Your contributions remain, "
                    "signed as a deleted user."), "success")
            return redirect(url_for("main.home"), code=303)
    return render_template("accounts/delete.html", form=form)
