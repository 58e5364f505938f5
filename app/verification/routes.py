"""Views of verification: a resident's PESEL check, the staff census import and verification
in person. Thin: parse, authorise, call a service, render or redirect."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user

from app.accounts.models import User
from app.accounts.permissions import confirmed_required, role_required
from app.consultations.services import shown_problems
from app.extensions import db, limiter, remote_address
from app.security import wants_fragment
from app.verification import bp, services
from app.verification.forms import CensusImportForm, FindPersonForm, InPersonForm, VerifyForm
from app.verification.permissions import CENSUS_ROLE
from app.verification.services import Outcome

REFUSALS = {
    Outcome.NOT_ON_CENSUS: _l(
        "This PESEL is not on the city's census list. Check the number; if it is right and "
        "you live in the city, you can be verified in person at the city office."),
    Outcome.TAKEN: _l(
        "This PESEL already verifies another account. If you lost access to that account, "
        "or it is not yours, please contact the city office."),
    Outcome.ALREADY_VERIFIED: _l("This account is already verified."),
    Outcome.OWN_ACCOUNT: _l("You cannot verify your own account in person; ask a colleague."),
}


def _limit(name: str):
    return lambda: current_app.config[name]


def _account_key() -> str:
    """Rate-limit key for verification attempts: the account (the address when signed out)."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"ip:{remote_address()}"


@bp.errorhandler(429)
def too_many_attempts(error):
    """Too many verification attempts: say for how long, in place on the htmx form."""
    if request.endpoint != "verification.verify" or not isinstance(error, RateLimitExceeded):
        from app.errors import render_error

        return render_error(429)
    window = format_timedelta(timedelta(seconds=error.limit.limit.get_expiry()),
                              threshold=1.0)
    form = VerifyForm(formdata=None)
    form.refusal = _("You have tried too many times. To protect the census list, attempts "
                     "are limited (counted over a period of %(window)s): try again later, or "
                     "get verified in person at the city office.", window=window)
    template = ("verification/_verify_panel.html" if wants_fragment()
                else "verification/verify.html")
    entry = current_user.census_entry if current_user.is_authenticated else None
    return render_template(template, form=form, entry=entry), 429


@bp.route("/account/verify", methods=["GET", "POST"])
@limiter.limit(_limit("VERIFY_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"],
               scope="verify-account")
@limiter.limit(_limit("VERIFY_LIMIT_PER_IP"), methods=["POST"], scope="verify-ip")
@confirmed_required
def verify():
    """A resident proves residence by entering their PESEL; every attempt counts."""
    form = VerifyForm()
    notice = None
    if form.validate_on_submit():
        outcome = services.verify_with_pesel(current_user, form.pesel.data)
        if outcome is Outcome.VERIFIED:
            message = _("Your account is verified: you are on the city's census list.")
            if not wants_fragment():
                flash(message, "success")
                return redirect(url_for("accounts.profile"), code=303)
            notice = message
        elif outcome is Outcome.ALREADY_VERIFIED:
            notice = str(REFUSALS[outcome])
        else:
            form.pesel.errors.append(REFUSALS[outcome])
    form.forget_pesel()
    template = ("verification/_verify_panel.html" if wants_fragment()
                else "verification/verify.html")
    return render_template(template, form=form, entry=current_user.census_entry, notice=notice)


@bp.route("/census", methods=["GET", "POST"])
@role_required(CENSUS_ROLE)
def census():
    """The census list in numbers, and its import from a CSV file: all of it, or nothing."""
    form = CensusImportForm()
    problems = []
    if form.validate_on_submit():
        rows, problems = services.parse_census_csv(form.text, services.district_index())
        form.text = ""
        if not problems:
            try:
                summary = services.import_census(rows, current_user)
            except services.ImportConflictError:
                form.file.errors.append(_(
                    "The census or the districts changed while the file was imported. Nothing "
                    "was imported; send the file again."))
            else:
                flash(_("Census imported: %(created)s entries added, %(updated)s updated, "
                        "%(unchanged)s unchanged.", created=summary.created,
                        updated=summary.updated, unchanged=summary.unchanged), "success")
                return redirect(url_for(".census"), code=303)
        else:
            form.file.errors.append(ngettext(
                "The file has %(num)d problem. Nothing was imported.",
                "The file has %(num)d problems. Nothing was imported.", len(problems)))
    return render_template("verification/census.html", form=form, problems=problems,
                           shown=shown_problems(problems), overview=services.census_overview(),
                           columns=services.COLUMNS, example=services.EXAMPLE_CSV)


@bp.route("/census/in-person")
@role_required(CENSUS_ROLE)
def find_person():
    """Find the account of a person who came to the office, by its email address."""
    form = FindPersonForm(request.args)
    person = None
    searched = "email" in request.args
    if searched and form.validate():
        person = services.find_person(form.email.data)
    return render_template("verification/find_person.html", form=form, person=person,
                           searched=searched)


@bp.route("/census/in-person/<int:user_id>", methods=["GET", "POST"])
@role_required(CENSUS_ROLE)
def in_person(user_id: int):
    """Link a person's census entry after checking their identity document."""
    person = db.get_or_404(User, user_id)
    if person.is_deleted:
        abort(404)
    form = InPersonForm()
    if form.validate_on_submit():
        outcome = services.verify_in_person(person, form.pesel.data, current_user)
        if outcome is Outcome.VERIFIED:
            flash(_("%(name)s is verified.", name=person.public_name), "success")
            return redirect(url_for(".in_person", user_id=person.id), code=303)
        form.pesel.errors.append(REFUSALS[outcome])
    form.forget_pesel()
    return render_template("verification/in_person.html", form=form, person=person,
                           entry=person.census_entry)
