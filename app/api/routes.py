"""Views of the open data: JSON under /api/v1/, CSV exports, and the page that lists them.

Everything here is public and read-only; nothing depends on who asks, so answers are the same
for everyone and the API sends `Access-Control-Allow-Origin: *`: any web page may read it from
a visitor's browser, which sends no cookies with such requests and gets nothing more than anyone
else would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import Select

from app.api import PREFIX, bp, exports, services
from app.api.openapi import openapi_document
from app.consultations.models import Consultation
from app.extensions import db
from app.page_cache import cached_for_visitors
from app.results import services as results


@bp.after_request
def _allow_any_origin(response: Response) -> Response:
    if request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _url(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


def _paginated(query: Select, page: services.PageRequest, endpoint: str,
               args: Mapping[str, str],
               serialise: Callable[[list], list[dict[str, Any]]]) -> Response:
    """The common envelope: items, page, per_page, total, pages, and next/prev links."""
    pagination = db.paginate(query, page=page.page, per_page=page.per_page, error_out=False)
    items = list(pagination.items)

    def link(number: int) -> str:
        return _url(endpoint, **args, page=number, per_page=page.per_page)

    pages = pagination.pages
    return jsonify({
        "items": serialise(items),
        "page": page.page,
        "per_page": page.per_page,
        "total": pagination.total,
        "pages": pages,
        "next": link(page.page + 1) if page.page < pages else None,
        "prev": link(min(page.page - 1, max(pages, 1))) if page.page > 1 else None,
    })


def _no_parameters() -> None:
    """Refuse any query parameter: this address takes none."""
    services.reject_unknown(request.args, ())


# --- JSON -------------------------------------------------------------------------------------

@bp.route(f"{PREFIX}/")
def index():
    """Where each collection of the API is."""
    _no_parameters()
    return jsonify({
        "openapi": _url("api.openapi"),
        "consultations": _url("api.consultations"),
        "proposals": _url("api.proposals"),
        "goals": _url("api.goals"),
        "exports": {name: _url(f"api.export_{name}")
                    for name in ("consultations", "proposals", "goals", "indicators")},
        "licence": current_app.config["OPEN_DATA_LICENSE"],
        "licence_url": current_app.config["OPEN_DATA_LICENSE_URL"],
    })


@bp.route(f"{PREFIX}/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    _no_parameters()
    return jsonify(openapi_document(current_app.config["OPEN_DATA_LICENSE"],
                                    current_app.config["OPEN_DATA_LICENSE_URL"]))


def _consultation_links(data: dict[str, Any]) -> dict[str, Any]:
    consultation_id = data["id"]
    data["url"] = _url("api.consultation", consultation_id=consultation_id)
    data["html_url"] = _url("consultations.show", consultation_id=consultation_id)
    data["proposals"] = _url("api.proposals", consultation=consultation_id)
    data["proposals_csv"] = _url("api.export_proposals", consultation=consultation_id)
    return data


@bp.route(f"{PREFIX}/consultations")
def consultations():
    """Consultations, newest first, a page at a time."""
    page = services.parse_page(request.args)

    def serialise(items: list) -> list[dict[str, Any]]:
        counts = services.proposal_counts([c.id for c in items])
        return [_consultation_links(services.consultation_data(c, counts.get(c.id, 0)))
                for c in items]

    return _paginated(services.consultations_query(), page, "api.consultations", {}, serialise)


@bp.route(f"{PREFIX}/consultations/<int:consultation_id>")
def consultation(consultation_id: int):
    """One consultation."""
    _no_parameters()
    found = db.get_or_404(Consultation, consultation_id)
    count = services.proposal_counts([found.id]).get(found.id, 0)
    return jsonify(_consultation_links(services.consultation_data(found, count)))


def _proposal_links(data: dict[str, Any]) -> dict[str, Any]:
    data["url"] = _url("api.proposal", proposal_id=data["id"])
    data["html_url"] = _url("proposals.show", proposal_id=data["id"])
    data["consultation"] = _url("api.consultation", consultation_id=data["consultation_id"])
    return data


@bp.route(f"{PREFIX}/proposals")
def proposals():
    """Public proposals, filtered as on the site's listing, oldest first, a page at a time."""
    page = services.parse_page(request.args, services.PROPOSAL_FILTERS)
    filters = services.parse_proposal_filters(request.args)

    def serialise(items: list) -> list[dict[str, Any]]:
        facts = services.proposal_facts([p.id for p in items])
        return [_proposal_links(services.proposal_data(p, facts)) for p in items]

    return _paginated(services.proposals_query(filters), page, "api.proposals",
                      filters.query_args(), serialise)


@bp.route(f"{PREFIX}/proposals/<int:proposal_id>")
def proposal(proposal_id: int):
    """One proposal with its text and status history; a draft is not found."""
    _no_parameters()
    found = services.get_public_proposal(proposal_id)
    if found is None:
        abort(404)
    return jsonify(_proposal_links(services.proposal_details(found)))


def _goal_links(data: dict[str, Any]) -> dict[str, Any]:
    data["url"] = _url("api.goal", goal_id=data["id"])
    data["html_url"] = _url("consultations.goal", code=data["code"])
    data["proposals"] = _url("api.proposals", goal=data["id"])
    for child in data["objectives"]:
        _goal_links(child)
    return data


@bp.route(f"{PREFIX}/goals")
def goals():
    """The whole strategy as a tree: goals, objectives, indicators and their yearly values."""
    _no_parameters()
    tree = [_goal_links(goal) for goal in services.goals_tree()]
    return jsonify({"items": tree, "total": len(tree)})


@bp.route(f"{PREFIX}/goals/<int:goal_id>")
def goal(goal_id: int):
    """One goal or objective with its indicators and objectives."""
    _no_parameters()
    data = services.goal_details(goal_id)
    if data is None:
        abort(404)
    return jsonify(_goal_links(data))


@bp.route(f"{PREFIX}/consultations/<int:consultation_id>/results")
def consultation_results(consultation_id: int):
    """The published result of a consultation's vote (404 until it is published)."""
    _no_parameters()
    found = db.get_or_404(Consultation, consultation_id)
    publication = results.current(found.id)
    if publication is None:
        abort(404)
    data = results.api_data(publication)
    data["html_url"] = _url("results.show", consultation_id=found.id)
    for item in data["files"]:
        item["url"] = _url("results.download", consultation_id=found.id, name=item["name"])
    data["ballots_pb"] = _url("api.consultation_ballots", consultation_id=found.id)
    return jsonify(data)


@bp.route(f"{PREFIX}/consultations/<int:consultation_id>/ballots.pb")
def consultation_ballots(consultation_id: int):
    """The anonymised ballots of one pool as published, in Pabulib's .pb format."""
    services.reject_unknown(request.args, ("pool",))
    pool = request.args.get("pool", "city")
    if pool != "city" and not (pool.isdigit() and len(pool) <= 9):
        raise services.BadParameter(_("The pool is `city` or a district id."))
    found = db.get_or_404(Consultation, consultation_id)
    publication = results.current(found.id)
    published = results.pool_file(publication, pool) if publication else None
    if published is None:
        abort(404)
    return Response(published.content, mimetype="text/plain", headers={
        "Content-Type": "text/plain; charset=utf-8", "X-Content-SHA256": published.sha256,
        "Content-Disposition": f'attachment; filename="consultation-{found.id}-{published.name}"'})


# --- CSV --------------------------------------------------------------------------------------

def _csv(name: str, header: Sequence[str], rows: Iterable) -> Response:
    """A CSV download, sent line by line as the rows come."""
    response = Response(exports.csv_lines(header, rows), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="agora-{name}-{date.today().isoformat()}.csv"')
    return response


@bp.route(f"{PREFIX}/exports/proposals.csv")
def export_proposals():
    """Public proposals as CSV, all of them or filtered (e.g. one consultation's), streamed."""
    services.reject_unknown(request.args, services.PROPOSAL_FILTERS)
    filters = services.parse_proposal_filters(request.args)
    rows = exports.proposal_rows(current_app._get_current_object(), filters,
                                 exports.PageLinks.for_request())
    return _csv("proposals", exports.PROPOSAL_COLUMNS, rows)


@bp.route(f"{PREFIX}/exports/consultations.csv")
def export_consultations():
    """Every consultation as CSV."""
    _no_parameters()
    return _csv("consultations", exports.CONSULTATION_COLUMNS,
                exports.consultation_rows(exports.PageLinks.for_request()))


@bp.route(f"{PREFIX}/exports/goals.csv")
def export_goals():
    """The strategy's goals and objectives as CSV."""
    _no_parameters()
    return _csv("goals", exports.GOAL_COLUMNS,
                exports.goal_rows(exports.PageLinks.for_request()))


@bp.route(f"{PREFIX}/exports/indicators.csv")
def export_indicators():
    """Indicators with one row per yearly value, as CSV."""
    _no_parameters()
    return _csv("indicators", exports.INDICATOR_COLUMNS, exports.indicator_rows())


# --- the page ---------------------------------------------------------------------------------

@bp.route("/open-data")
@cached_for_visitors()
def open_data():
    """The open-data page: what is published, where, in which format and under which licence."""
    return render_template("api/open_data.html")
