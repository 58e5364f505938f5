"""Views of voting: the ballot, its review, casting and the receipt; for staff the voting
settings, paper ballots, the overview with the roll check, closing and the draft result.

The ballot works without JavaScript: "Update the total" posts the choices to the review route,
which shows the ballot again with them kept and the totals; "Review my vote" posts them there
too and gets the review page, which casts them. With htmx the running total is refreshed in
place on every change (GET .../vote/total, without the CSRF token in the query).
"""

from __future__ import annotations

import time

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import confirmed_required, role_required
from app.consultations.models import Consultation
from app.extensions import db
from app.security import wants_fragment
from app.votes import services
from app.votes.blueprint import bp
from app.votes.forms import ConfirmForm, PaperVoterForm, VotingSettingsForm
from app.votes.models import BUDGET_RULES, RULE_LABELS, VotingMethod
from app.votes.permissions import MANAGE_ROLE, can_manage_voting

RECEIPT_KEY = "vote_receipt"
#: The receipt stays in the voter's session this long after casting, for the download.
RECEIPT_SECONDS = 30 * 60


def _me():
    """The signed-in user itself, not the proxy."""
    return current_user._get_current_object()


def _consultation(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


def _notice(consultation: Consultation, title: str, message: str, status: int = 200):
    return render_template("votes/notice.html", consultation=consultation, title=title,
                           message=message), status


def _already(consultation: Consultation, status: int = 200):
    return _notice(consultation, _("You have already voted"),
                   _("You have already voted in this consultation. Each person votes once, "
                     "online or on paper, and a cast ballot cannot be changed."), status)


def _ballot_page(consultation, settings, layout, choices, problems=(), status=200):
    return render_template(
        "votes/ballot.html", consultation=consultation, settings=settings, layout=layout,
        choices=choices, chosen=set(choices.proposals), problems=list(problems),
        totals=services.pool_totals(layout, choices)), status


def _voter_gate(consultation: Consultation, *, posting: bool):
    """The settings and the voter's ballot layout, or the page that says why not."""
    settings = services.get_settings(consultation)
    reason = services.not_open_reason(consultation, settings)
    if reason:
        return None, _notice(consultation, _("Voting is not open"), reason,
                             409 if posting else 200)
    if services.has_voted(consultation, current_user):
        return None, _already(consultation, 409 if posting else 200)
    refusal = services.eligibility_refusal(settings, current_user)
    if refusal:
        return None, _notice(consultation, _("You cannot vote in this consultation"), refusal,
                             403 if posting else 200)
    layout = services.ballot_layout(consultation, settings,
                                    services.voter_district(current_user))
    return (settings, layout), None


@bp.route("/consultations/<int:consultation_id>/vote")
@confirmed_required
def ballot(consultation_id: int):
    """The ballot (choices given in the query are kept: "Change my choices" on the review)."""
    consultation = _consultation(consultation_id)
    ready, refusal = _voter_gate(consultation, posting=False)
    if refusal:
        return refusal
    settings, layout = ready
    return _ballot_page(consultation, settings, layout, services.parse_choices(request.args))


@bp.route("/consultations/<int:consultation_id>/vote/total")
@confirmed_required
def running_total(consultation_id: int):
    """The running total of the chosen projects per pool (an htmx fragment)."""
    if not wants_fragment():
        return redirect(url_for(".ballot", consultation_id=consultation_id, **request.args.to_dict(
            flat=False)), code=303)
    consultation = _consultation(consultation_id)
    ready, refusal = _voter_gate(consultation, posting=False)
    if refusal:
        return refusal
    _settings, layout = ready
    choices = services.parse_choices(request.args)
    return render_template("votes/_running_total.html", layout=layout,
                           totals=services.pool_totals(layout, choices),
                           problems=services.check_choices(layout, choices))


@bp.route("/consultations/<int:consultation_id>/vote/review", methods=["POST"])
@confirmed_required
def review(consultation_id: int):
    """Show the ballot as it will be cast, with the button that casts it; or, for "Update the
    total" without JavaScript, the ballot again with the choices and totals."""
    consultation = _consultation(consultation_id)
    ready, refusal = _voter_gate(consultation, posting=True)
    if refusal:
        return refusal
    settings, layout = ready
    choices = services.parse_choices(request.form)
    problems = services.check_choices(layout, choices)
    if request.form.get("update"):
        return _ballot_page(consultation, settings, layout, choices, problems)
    if problems:
        return _ballot_page(consultation, settings, layout, choices, problems, 422)
    return render_template("votes/review.html", consultation=consultation, layout=layout,
                           choices=choices, totals=services.pool_totals(layout, choices),
                           form=ConfirmForm())


@bp.route("/consultations/<int:consultation_id>/vote/cast", methods=["POST"])
@confirmed_required
def cast(consultation_id: int):
    """Cast the reviewed ballot: final. The receipt is shown next, once."""
    consultation = _consultation(consultation_id)
    choices = services.parse_choices(request.form)
    try:
        code = services.cast_ballot(consultation, _me(), choices)
    except services.AlreadyVoted:
        return _already(consultation, 409)
    except services.VotingNotOpen as error:
        return _notice(consultation, _("Voting is not open"), str(error), 409)
    except services.NotEligible as error:
        return _notice(consultation, _("You cannot vote in this consultation"), str(error), 403)
    except services.BallotInvalid as error:
        settings = services.get_settings(consultation)
        layout = services.ballot_layout(consultation, settings,
                                        services.voter_district(current_user))
        return _ballot_page(consultation, settings, layout, choices, error.problems, 422)
    session[RECEIPT_KEY] = {"consultation_id": consultation.id, "code": code,
                            "at": int(time.time())}
    return redirect(url_for(".receipt", consultation_id=consultation.id), code=303)


def _session_receipt(consultation: Consultation) -> str | None:
    kept = session.get(RECEIPT_KEY)
    if not kept or kept.get("consultation_id") != consultation.id:
        return None
    if time.time() - kept.get("at", 0) > RECEIPT_SECONDS:
        session.pop(RECEIPT_KEY, None)
        return None
    return kept.get("code")


@bp.route("/consultations/<int:consultation_id>/vote/receipt")
@confirmed_required
def receipt(consultation_id: int):
    """The receipt code, shown right after casting (it is not kept anywhere)."""
    consultation = _consultation(consultation_id)
    code = _session_receipt(consultation)
    if code is None:
        return _notice(consultation, _("Your receipt"), _(
            "A receipt is shown only once, right after casting a ballot, and Agora does not "
            "keep it. If you saved or downloaded it, you can look for it in the list of "
            "receipts published with the results."))
    return render_template("votes/receipt.html", consultation=consultation, code=code,
                           form=ConfirmForm())


@bp.route("/consultations/<int:consultation_id>/vote/receipt.txt")
@confirmed_required
def receipt_download(consultation_id: int):
    """The receipt as a text file (only right after casting, like the receipt page)."""
    consultation = _consultation(consultation_id)
    code = _session_receipt(consultation)
    if code is None:
        abort(404)
    text = render_template("votes/receipt.txt", consultation=consultation, code=code)
    response = make_response(text)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="receipt-consultation-{consultation.id}.txt"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/consultations/<int:consultation_id>/vote/receipt/forget", methods=["POST"])
@confirmed_required
def forget_receipt(consultation_id: int):
    """Remove the receipt from this browser's session ("I have saved it")."""
    consultation = _consultation(consultation_id)
    session.pop(RECEIPT_KEY, None)
    flash(_("The receipt is no longer shown on this site."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id), code=303)


# -- Staff ---------------------------------------------------------------------------------


@bp.app_context_processor
def _voting_helpers() -> dict:
    return {"may_manage_voting": can_manage_voting(current_user), "RULE_LABELS": RULE_LABELS}


@bp.route("/consultations/<int:consultation_id>/voting/settings", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def settings(consultation_id: int):
    """Set how the consultation votes; refused (409) once voting has started."""
    consultation = _consultation(consultation_id)
    stored = services.get_settings(consultation)
    frozen = services.frozen_reason(consultation, stored)
    districts = services.all_districts()
    form = VotingSettingsForm.for_districts(districts)
    if request.method == "GET":
        values = services.settings_values(stored)
        if values is not None:
            form.fill(values)
        else:
            form.verification_required.data = True
            form.min_picks.data = 1
        return render_template("votes/settings.html", consultation=consultation, form=form,
                               frozen=frozen, rules=BUDGET_RULES)
    if frozen:
        return render_template("votes/settings.html", consultation=consultation, form=form,
                               frozen=frozen, rules=BUDGET_RULES), 409
    if form.validate_on_submit():
        try:
            services.save_settings(consultation, _me(), form.values())
        except services.SettingsFrozen as error:
            return render_template("votes/settings.html", consultation=consultation,
                                   form=form, frozen=str(error), rules=BUDGET_RULES), 409
        flash(_("The voting settings are saved."), "success")
        return redirect(url_for(".overview", consultation_id=consultation.id), code=303)
    return render_template("votes/settings.html", consultation=consultation, form=form,
                           frozen=None, rules=BUDGET_RULES), 422


@bp.route("/consultations/<int:consultation_id>/voting")
@role_required(MANAGE_ROLE)
def overview(consultation_id: int):
    """For staff: the settings, the counts online and on paper, the roll check, the result."""
    consultation = _consultation(consultation_id)
    services.close_due()  # a vote past its end date closes when anyone looks
    db.session.expire_all()
    stored = services.get_settings(consultation)
    result = services.get_result(consultation)
    return render_template(
        "votes/overview.html", consultation=consultation, settings=stored,
        values=services.settings_values(stored), names=services.district_names(),
        not_open=services.not_open_reason(consultation, stored),
        frozen=services.frozen_reason(consultation, stored),
        close_refusal=services.close_refusal(consultation, stored),
        check=services.roll_check(consultation), result=result,
        result_rows=services.result_rows(result) if result else [],
        options={o.proposal_id: o for o in services.ballot_options(consultation, stored)}
        if stored and stored.method is not VotingMethod.YES_NO else {})


def _paper_page(consultation, form, *, entry=None, layout=None, choices=None, problems=(),
                status=200):
    return render_template(
        "votes/paper.html", consultation=consultation, form=form, entry=entry, layout=layout,
        choices=choices or services.Choices(), chosen=set((choices or services.Choices())
                                                          .proposals),
        problems=list(problems), names=services.district_names(),
        totals=services.pool_totals(layout, choices or services.Choices()) if layout else []
    ), status


@bp.route("/consultations/<int:consultation_id>/voting/paper", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def paper(consultation_id: int):
    """Record a paper ballot: find the voter on the census, mark the ballot, review it."""
    consultation = _consultation(consultation_id)
    settings = services.get_settings(consultation)
    reason = services.not_open_reason(consultation, settings)
    form = PaperVoterForm()
    if reason:
        return _notice(consultation, _("Voting is not open"), reason,
                       409 if request.method == "POST" else 200)
    if request.method == "GET" or not form.validate_on_submit():
        return _paper_page(consultation, form, status=200 if request.method == "GET" else 422)
    entry = services.find_census_entry(form.pesel.data)
    if entry is None:
        form.pesel.errors.append(_("No one with this PESEL is on the census list."))
        return _paper_page(consultation, form, status=422)
    if services.paper_voter_on_roll(consultation, entry):
        form.pesel.errors.append(_("This person has already voted in this consultation, "
                                   "online or on paper."))
        return _paper_page(consultation, form, status=409)
    refusal = services.census_refusal(settings, entry)
    if refusal:
        form.pesel.errors.append(refusal)
        return _paper_page(consultation, form, status=403)
    layout = services.ballot_layout(consultation, settings, entry.district_id)
    choices = services.parse_choices(request.form)
    if request.form.get("step") != "review":
        return _paper_page(consultation, form, entry=entry, layout=layout, choices=choices)
    problems = services.check_choices(layout, choices)
    if problems:
        return _paper_page(consultation, form, entry=entry, layout=layout, choices=choices,
                           problems=problems, status=422)
    return render_template("votes/paper_review.html", consultation=consultation, form=form,
                           entry=entry, layout=layout, choices=choices,
                           totals=services.pool_totals(layout, choices),
                           names=services.district_names())


@bp.route("/consultations/<int:consultation_id>/voting/paper/record", methods=["POST"])
@role_required(MANAGE_ROLE)
def record_paper(consultation_id: int):
    """Record the reviewed paper ballot: final."""
    consultation = _consultation(consultation_id)
    form = PaperVoterForm()
    if not form.validate_on_submit():
        return _paper_page(consultation, form, status=422)
    entry = services.find_census_entry(form.pesel.data)
    if entry is None:
        form.pesel.errors.append(_("No one with this PESEL is on the census list."))
        return _paper_page(consultation, form, status=422)
    try:
        services.record_paper_ballot(consultation, _me(), entry,
                                     services.parse_choices(request.form))
    except services.AlreadyVoted as error:
        form.pesel.errors.append(str(error))
        return _paper_page(consultation, PaperVoterForm(formdata=None), status=409)
    except services.VotingNotOpen as error:
        return _notice(consultation, _("Voting is not open"), str(error), 409)
    except services.NotEligible as error:
        return _notice(consultation, _("This person cannot vote in this consultation"),
                       str(error), 403)
    except services.BallotInvalid as error:
        settings = services.get_settings(consultation)
        layout = services.ballot_layout(consultation, settings, entry.district_id)
        return _paper_page(consultation, form, entry=entry, layout=layout,
                           choices=services.parse_choices(request.form),
                           problems=error.problems, status=422)
    flash(_("The paper ballot is recorded. This person can no longer vote online."),
          "success")
    return redirect(url_for(".paper", consultation_id=consultation.id), code=303)


@bp.route("/consultations/<int:consultation_id>/voting/close", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def close(consultation_id: int):
    """Close the vote after a confirmation step; the tally runs and a draft result is kept."""
    consultation = _consultation(consultation_id)
    stored = services.get_settings(consultation)
    refusal = services.close_refusal(consultation, stored)
    form = ConfirmForm()
    if request.method == "POST":
        if refusal:
            return render_template("votes/close.html", consultation=consultation,
                                   refusal=refusal, form=form), 409
        if form.validate_on_submit():
            try:
                services.close_voting(consultation, _me())
            except services.VotingError as error:
                return render_template("votes/close.html", consultation=consultation,
                                       refusal=str(error), form=form), 409
            flash(_("Voting is closed. The draft result is below; only staff can see it."),
                  "success")
            return redirect(url_for(".overview", consultation_id=consultation.id), code=303)
    return render_template("votes/close.html", consultation=consultation, refusal=refusal,
                           form=form)

