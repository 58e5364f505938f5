"""Public page views."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from app.accounts import services as account_services
from app.extensions import limiter
from app.main import bp
from app.main.forms import LanguageForm
from app.main.health import database_ready
from app.main.services import home_figures, open_now
from app.page_cache import cached_for_visitors
from app.security import is_safe_redirect


@bp.route("/")
@cached_for_visitors()
def home():
    """The city's front page."""
    return render_template("main/home.html", figures=home_figures(), consultations=open_now())


@bp.route("/privacy")
@cached_for_visitors()
def privacy():
    """The privacy notice residents consent to when registering."""
    return render_template("main/privacy.html")


@bp.route("/accessibility")
@cached_for_visitors()
def accessibility():
    """The accessibility statement."""
    return render_template("main/accessibility.html")


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language (saved on the account when signed in)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            account_services.set_locale(current_user, form.locale.data)
        refresh()
        flash(_("Language changed."), "success")
    else:
        flash(_("That language is not available."), "error")
    target = form.next.data or request.referrer or ""
    if target.startswith(request.host_url):
        target = "/" + target[len(request.host_url):]
    return redirect(target if is_safe_redirect(target) else url_for("main.home"), code=303)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """Alive: the process answers. Touches nothing else."""
    return _no_store(jsonify(status="ok"))


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """Ready: the database answers and its schema is at the newest migration."""
    if database_ready():
        return _no_store(jsonify(status="ready"))
    return _no_store(jsonify(status="not ready")), 503


@bp.route("/.well-known/security.txt")
@limiter.exempt
def security_txt():
    """Where to report a vulnerability (RFC 9116); the contact comes from the configuration."""
    config = current_app.config
    lines = [f"Contact: {config['SECURITY_CONTACT']}",
             f"Expires: {config['SECURITY_TXT_EXPIRES']}",
             "Preferred-Languages: pl, en"]
    if config.get("SOURCE_CODE_URL"):
        lines.append(f"# Source code: {config['SOURCE_CODE_URL']}")
    response = current_app.response_class("\n".join(lines) + "\n",
                                           mimetype="text/plain")
    return response


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
