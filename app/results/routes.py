"""Views of published results: for everyone the results page, the receipts list with its
lookup and the published files; for staff the publication page (propose, approve, discard).

Everything public here is shown only once a result is published; before that these pages
answer 404, as if there were nothing (the draft is on the staff's voting overview).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import role_required
from app.consultations.models import Consultation
from app.extensions import db
from app.results import bp, charts, services
from app.results.models import ANSWER_LABELS, Answer
from app.votes import services as votes
from app.votes.forms import ConfirmForm
from app.votes.models import RULE_LABELS
from app.votes.permissions import MANAGE_ROLE


def _me():
    return current_user._get_current_object()


def _consultation(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


def _published(consultation: Consultation):
    publication = services.current(consultation.id)
    if publication is None:
        abort(404)
    return publication


@bp.app_context_processor
def _helpers() -> dict:
    def result_published(consultation_id: int) -> bool:
        return services.current(consultation_id) is not None

    return {"result_published": result_published}


@bp.route("/consultations/<int:consultation_id>/results")
def show(consultation_id: int):
    """The published result: turnout, results per pool with charts, answers, files."""
    consultation = _consultation(consultation_id)
    publication = _published(consultation)
    pools = services.pool_rows(publication)
    names = votes.district_names()
    return render_template(
        "results/show.html", consultation=consultation, publication=publication,
        snapshot=publication.snapshot, pools=pools, names=names,
        charts={pool.get("district_id"): charts.bar_chart(rows) for _d, pool, rows in pools},
        turnout_chart=charts.turnout_chart(publication.snapshot),
        files=services.files_of(publication), history=services.history(consultation.id),
        RULE_LABELS=RULE_LABELS, ANSWER_LABELS=ANSWER_LABELS,
        titles={key: value.get("title", "")
                for key, value in publication.snapshot.get("options", {}).items()})


@bp.route("/consultations/<int:consultation_id>/results/receipts")
def receipts(consultation_id: int):
    """Every receipt in the count (as SHA-256 of its code), and a lookup by code."""
    consultation = _consultation(consultation_id)
    _published(consultation)
    page = request.args.get("page", 1, type=int) or 1
    code = (request.args.get("code") or "").strip()[:100]
    found = services.receipt_counted(consultation.id, code) if code else None
    return render_template("results/receipts.html", consultation=consultation,
                           pagination=services.receipts_page(consultation.id,
                                                             min(max(page, 1), 100_000)),
                           code=code, found=found,
                           digest=votes.receipt_hash(code) if code else None)


@bp.route("/consultations/<int:consultation_id>/results/files/<name>")
def download(consultation_id: int, name: str):
    """A published file, byte for byte as it was when published."""
    consultation = _consultation(consultation_id)
    publication = _published(consultation)
    published = services.file_named(publication, name)
    if published is None:
        abort(404)
    return Response(published.content, mimetype=published.media_type, headers={
        "Content-Disposition": f"attachment; filename=consultation-{consultation.id}-{name}",
        "X-Content-SHA256": published.sha256})


# -- Staff ---------------------------------------------------------------------------------


def _publish_page(consultation, form, *, answers=None, summary="", problems=(), status=200):
    result = votes.get_result(consultation)
    options = services.ballot_options(consultation.id)
    previous = services.current(consultation.id)
    if answers is None and result is not None:
        answers = services.default_answers(result, options, previous)
    return render_template(
        "results/publish.html", consultation=consultation, form=form, result=result,
        options=options, answers=answers or {}, summary=summary, problems=problems,
        refusal=services.publish_refusal(consultation), previous=previous,
        waiting=services.pending(consultation.id), me=_me(),
        second_approval=services.second_approval_required(), Answer=Answer,
        names=votes.district_names()), status


@bp.route("/consultations/<int:consultation_id>/results/publish", methods=["GET", "POST"])
@role_required(MANAGE_ROLE)
def publish(consultation_id: int):
    """Staff propose the result with an answer for every proposal (a second approves it)."""
    consultation = _consultation(consultation_id)
    form = ConfirmForm()
    if request.method == "GET":
        return _publish_page(consultation, form)
    refusal = services.publish_refusal(consultation)
    if refusal:
        return _publish_page(consultation, form, status=409)
    options = services.ballot_options(consultation.id)
    answers, problems = services.parse_answers(request.form, options)
    summary = (request.form.get("summary") or "").strip()[:2000]
    if not form.validate_on_submit():
        problems.append(_("The form has expired. Please try again."))
    if problems:
        return _publish_page(consultation, form, answers=answers, summary=summary,
                             problems=problems, status=422)
    try:
        publication = services.propose(consultation, _me(), answers, summary)
    except services.PublishError as error:
        return _publish_page(consultation, form, answers=answers, summary=summary,
                             problems=[str(error)], status=409)
    if publication.is_published:
        flash(_("The result is published."), "success")
        return redirect(url_for(".show", consultation_id=consultation.id), code=303)
    flash(_("The result is proposed. Another staff member must now approve it."), "success")
    return redirect(url_for(".publish", consultation_id=consultation.id), code=303)


def _on_waiting(consultation_id: int, action, done: str, endpoint: str):
    """Approve or withdraw the waiting result (`action` from services), after confirmation."""
    consultation = _consultation(consultation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _publish_page(consultation, form, problems=[
            _("The form has expired. Please try again.")], status=422)
    try:
        action(consultation, request.form.get("publication_id", 0, type=int), _me())
    except services.PublishError as error:
        return _publish_page(consultation, form, problems=[str(error)], status=409)
    flash(done, "success")
    return redirect(url_for(endpoint, consultation_id=consultation.id), code=303)


@bp.route("/consultations/<int:consultation_id>/results/approve", methods=["POST"])
@role_required(MANAGE_ROLE)
def approve(consultation_id: int):
    """A second staff member approves the waiting result: it is published."""
    return _on_waiting(consultation_id, services.approve, _("The result is published."),
                       ".show")


@bp.route("/consultations/<int:consultation_id>/results/discard", methods=["POST"])
@role_required(MANAGE_ROLE)
def discard(consultation_id: int):
    """Withdraw the result waiting for approval."""
    return _on_waiting(consultation_id, services.discard,
                       _("The proposed result is withdrawn."), ".publish")
