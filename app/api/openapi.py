"""The OpenAPI 3.1 description of /api/v1/, written by hand as data.

A test checks that every /api/v1 route of the app is described here and that every path
described here exists, so the two cannot drift apart.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
URL = {"type": "string", "format": "uri"}
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$",
           "description": "An exact decimal number written as text."}
NULLABLE_DECIMAL = {**DECIMAL, "type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
SECTORS = ["energy", "digital", "retrofit", "land", "repair", "care", "food", "other"]
STATUSES = ["submitted", "accepted", "rejected", "selected", "in_implementation", "done",
            "withdrawn"]
PHASES = ["upcoming", "proposals", "review", "deliberation", "voting", "results"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "required": list(properties)}
    if description:
        schema["description"] = description
    return schema


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": {"$ref": "#/components/responses/BadParameter"},
    "404": {"$ref": "#/components/responses/NotFound"},
}

PAGE_PARAMETERS = [{"$ref": "#/components/parameters/page"},
                   {"$ref": "#/components/parameters/per_page"}]
PROPOSAL_FILTERS = [{"$ref": f"#/components/parameters/{name}"}
                    for name in ("consultation", "sector", "district", "goal", "status")]


def _page_of(schema: str) -> dict[str, Any]:
    return _object({
        "items": {"type": "array", "items": _ref(schema)},
        "page": INTEGER, "per_page": INTEGER, "total": INTEGER,
        "pages": {**INTEGER, "description": "Number of pages at this per_page."},
        "next": {"type": ["string", "null"], "format": "uri",
                 "description": "The next page, or null on the last."},
        "prev": {"type": ["string", "null"], "format": "uri",
                 "description": "The previous page, or null on the first."},
    }, "One page of a collection.")


def _csv_response(description: str) -> dict[str, Any]:
    return {"200": {"description": description,
                    "content": {"text/csv": {"schema": {"type": "string"}}}},
            "400": {"$ref": "#/components/responses/BadParameter"}}


def _get(summary: str, responses: dict[str, Any], parameters: list | None = None,
         description: str = "") -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


INDICATOR = _object({
    "id": INTEGER, "name": TEXT, "unit": TEXT, "source": TEXT,
    "baseline": NULLABLE_DECIMAL, "baseline_year": NULLABLE_INTEGER,
    "target": NULLABLE_DECIMAL, "target_year": NULLABLE_INTEGER,
    "values": {"type": "array", "items": _object({"year": INTEGER, "value": DECIMAL})},
}, "A measure of progress towards a goal, with its yearly values.")

GOAL = _object({
    "id": INTEGER, "code": {**TEXT, "examples": ["2.3"]}, "title": TEXT, "description": TEXT,
    "parent_id": NULLABLE_INTEGER,
    "indicators": {"type": "array", "items": _ref("Indicator")},
    "objectives": {"type": "array", "items": _ref("Goal"),
                   "description": "The objectives under this goal (nested the same way)."},
    "url": URL, "html_url": URL,
    "proposals": {**URL, "description": "The proposals serving this goal or its objectives."},
}, "A goal of the city's strategy, or an objective under a goal.")

CONSULTATION = _object({
    "id": INTEGER, "title": TEXT, "summary": TEXT, "description": TEXT,
    "phase": {"type": "string", "enum": PHASES, "description": "The phase in force today."},
    "phases": _object({phase: DAY for phase in PHASES[1:]},
                      "The day each phase starts; each lasts until the next one starts."),
    "support_threshold": {**INTEGER,
                          "description": "Supports a proposal needs to qualify."},
    "proposal_count": {**INTEGER, "description": "Public proposals (drafts are not counted)."},
    "url": URL, "html_url": URL, "proposals": URL, "proposals_csv": URL,
}, "A city process in which residents propose, discuss and vote.")

PLEDGES = _object({
    "members_natural_persons": INTEGER, "members_legal_persons": INTEGER,
    "workers": INTEGER, "volunteers": INTEGER,
    "minimum_met": {"type": "boolean",
                    "description": "At least 10 natural or 3 legal persons pledged as members "
                                   "(Prawo spółdzielcze, art. 15 § 1)."},
    "hybrid": {"type": "boolean",
               "description": "Members would include natural and legal persons."},
}, "Pledges to join the cooperative; people are only counted, never named.")

PROPOSAL_PROPERTIES: dict[str, Any] = {
    "id": INTEGER, "consultation_id": INTEGER, "title": TEXT,
    "sector": {"type": "string", "enum": SECTORS},
    "district": {"oneOf": [{"type": "null"},
                           _object({"id": INTEGER, "name": TEXT})],
                 "description": "null for a project for the whole city."},
    "estimated_cost": {**DECIMAL, "description": "In złoty, two decimals."},
    "expected_jobs": INTEGER,
    "status": {"type": "string", "enum": STATUSES},
    "goals": {"type": "array", "items": _object({"id": INTEGER, "code": TEXT})},
    "authors": {"type": "array", "items": TEXT,
                "description": "Public names of the author and co-authors (deleted accounts "
                               "are left out)."},
    "support_count": INTEGER,
    "qualified": {"type": "boolean",
                  "description": "The support threshold was reached at some point."},
    "comment_count": INTEGER,
    "pledges": _ref("Pledges"),
    "created_at": TIME, "updated_at": TIME,
    "url": URL, "html_url": URL, "consultation": URL,
}

PROPOSAL = _object(PROPOSAL_PROPERTIES, "A cooperative project put forward in a consultation.")

PROPOSAL_DETAILS = _object({
    **PROPOSAL_PROPERTIES,
    "status_reason": NULLABLE_TEXT,
    "body_markdown": {**TEXT, "description": "The text as its authors wrote it (Markdown)."},
    "body_html": {**TEXT, "description": "The text as shown on the site: Markdown rendered "
                                         "and sanitised with an allow-list."},
    "history": {"type": "array", "items": _object({
        "status": {"type": "string", "enum": ["draft", *STATUSES]},
        "changed_at": TIME, "note": NULLABLE_TEXT}),
        "description": "Every status, oldest first, with the public reason; who changed it "
                       "is not published."},
    "pledging_organisations": {"type": "array", "items": _object({
        "id": INTEGER, "name": TEXT,
        "role": {"type": "string", "enum": ["member", "worker", "volunteer"]}})},
}, "A proposal with its text and history.")

RESULTS = _object({
    "consultation_id": INTEGER,
    "publication": {**INTEGER, "description": "1, then 2, 3, ... for corrections."},
    "published_at": TIME,
    "method": {"type": "string", "enum": ["yes_no", "approval", "budget"]},
    "rule": TEXT,
    "selected": {"type": "array", "items": INTEGER,
                 "description": "Proposal ids the tally selected, every pool, in the order the "
                                "rule chose them: what a recount of the .pb files gives."},
    "funded": {"type": "array", "items": INTEGER,
               "description": "Proposal ids the city's official answer funds."},
    "answers": {"type": "array", "items": _object({
        "proposal_id": INTEGER,
        "answer": {"type": "string", "enum": ["funded", "not_funded", "rejected", "otherwise"]},
        "reason": TEXT})},
    "ballots_online": INTEGER, "ballots_paper": INTEGER,
    "voter_roll": {**INTEGER, "description": "People who voted (online and on paper)."},
    "eligible": {**INTEGER, "description": "People on the census who could vote."},
    "total_cost": NULLABLE_DECIMAL,
    "pools": {"type": "array", "items": _object({
        "district_id": NULLABLE_INTEGER, "budget": DECIMAL, "ballots": INTEGER,
        "selected": {"type": "array", "items": INTEGER}, "total_cost": DECIMAL,
        "votes": {"type": "object", "additionalProperties": INTEGER}})},
    "questions": {"type": "array", "items": {"type": "object"}},
    "changes": {"type": ["array", "null"], "items": {"type": "object"}},
    "files": {"type": "array", "items": _object({"name": TEXT, "sha256": TEXT, "url": URL})},
    "html_url": URL, "ballots_pb": URL,
}, "A published result: counts, what was selected, the official answers, the files.")

ERROR = _object({"error": _object({"status": INTEGER, "message": TEXT})},
                "What went wrong, in the site's language.")

_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Agora open data",
        "version": "1",
        "summary": "Read-only public data of the city's consultations, proposals and strategy.",
        "description": (
            "Everything here is public on the site and read-only (GET). Answers are the same "
            "for everyone and carry `Access-Control-Allow-Origin: *`. Collections come a page "
            "at a time in one envelope (`items`, `page`, `per_page`, `total`, `pages`, `next`, "
            "`prev`); `per_page` is 1 to 100 (default 20). An unknown parameter or a value out "
            "of range answers 400, an unknown address 404, both as "
            "`{\"error\": {\"status\", \"message\"}}`. Money and indicator values are exact "
            "decimals written as text. No answer holds personal data: people appear only as "
            "the public names of a proposal's authors, as on the site. CSV exports are UTF-8 "
            "with a byte-order mark, comma-separated (RFC 4180)."),
    },
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/": _get("Where each collection is", {"200": _json(
            {"type": "object"}, "Links to the collections, the exports and the licence.")}),
        "/openapi.json": _get("This document", {"200": _json(
            {"type": "object"}, "The OpenAPI 3.1 description of the API.")}),
        "/consultations": _get(
            "Consultations, newest first", {"200": _json(_page_of("Consultation"),
                                                         "A page of consultations."),
                                            "400": ERRORS["400"]},
            PAGE_PARAMETERS),
        "/consultations/{consultation_id}": _get(
            "One consultation", {"200": _json(_ref("Consultation"), "The consultation."),
                                 **ERRORS},
            [{"$ref": "#/components/parameters/consultation_id"}]),
        "/consultations/{consultation_id}/results": _get(
            "The published result of a consultation's vote",
            {"200": _json(_ref("Results"), "The result in force (the latest publication)."),
             **ERRORS},
            [{"$ref": "#/components/parameters/consultation_id"}],
            "404 until the result is published (two staff members approve it). A correction "
            "is a new publication with the next number; `changes` says what it changed."),
        "/consultations/{consultation_id}/ballots.pb": _get(
            "The anonymised ballots of one pool as a Pabulib .pb file",
            {"200": {"description": "The file as published (its SHA-256 is in the results and "
                                    "in the X-Content-SHA256 header). An approval vote has one "
                                    "file (pool `city`) with each option at cost 1 and the "
                                    "number of winners as the budget; a yes/no vote has none "
                                    "(404): its ballots are in the CSV.",
                     "content": {"text/plain": {"schema": {"type": "string"}}}},
             **ERRORS},
            [{"$ref": "#/components/parameters/consultation_id"},
             {"name": "pool", "in": "query", "required": False,
              "description": "`city` (default) for the city-wide pool, or a district id for "
                             "that district's pool.",
              "schema": {"type": "string", "pattern": r"^(city|[1-9]\d{0,8})$",
                         "default": "city"}}],
            "Participatory budgets only. Voter ids are the ballots' numbers in a random order: "
            "nothing ties them to a receipt, an account or the voter roll."),
        "/proposals": _get(
            "Public proposals, oldest first",
            {"200": _json(_page_of("Proposal"), "A page of proposals."),
             "400": ERRORS["400"]},
            [*PAGE_PARAMETERS, *PROPOSAL_FILTERS],
            "Every proposal past the draft, withdrawn ones included (filter by status to "
            "leave them out). The filters are those of the site's listing."),
        "/proposals/{proposal_id}": _get(
            "One proposal", {"200": _json(_ref("ProposalDetails"), "The proposal."),
                             **ERRORS},
            [{"$ref": "#/components/parameters/proposal_id"}],
            "A draft is not public: 404."),
        "/goals": _get(
            "The strategy as a tree",
            {"200": _json(_object({"items": {"type": "array", "items": _ref("Goal")},
                                   "total": {**INTEGER, "description": "Top-level goals."}}),
                          "Every goal in code order, objectives nested, with indicators "
                          "and their yearly values (the whole tree, not paged)."),
             "400": ERRORS["400"]}),
        "/goals/{goal_id}": _get(
            "One goal or objective", {"200": _json(_ref("Goal"), "The goal."), **ERRORS},
            [{"$ref": "#/components/parameters/goal_id"}]),
        "/exports/consultations.csv": _get(
            "Consultations as CSV", _csv_response(
                "id, title, summary, phase, the five phase start days, support_threshold, "
                "url.")),
        "/exports/proposals.csv": _get(
            "Public proposals as CSV", _csv_response(
                "One row per proposal with its facts, goal codes, authors' public names, "
                "counts, page address and Markdown text."),
            PROPOSAL_FILTERS,
            "All public proposals, or those matching the filters (for example one "
            "consultation's); streamed."),
        "/exports/goals.csv": _get(
            "Strategy goals as CSV", _csv_response(
                "id, code, title, parent_code, description, url.")),
        "/exports/indicators.csv": _get(
            "Indicators as CSV", _csv_response(
                "One row per indicator and year: goal_code, goal, indicator_id, indicator, "
                "unit, source, baseline, baseline_year, target, target_year, year, value.")),
    },
    "components": {
        "schemas": {"Consultation": CONSULTATION, "Proposal": PROPOSAL,
                    "ProposalDetails": PROPOSAL_DETAILS, "Pledges": PLEDGES, "Goal": GOAL,
                    "Indicator": INDICATOR, "Error": ERROR, "Results": RESULTS},
        "responses": {
            "BadParameter": _json(_ref("Error"), "A parameter is unknown or out of range."),
            "NotFound": _json(_ref("Error"), "Nothing public at this address."),
        },
        "parameters": {
            "page": {"name": "page", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100000,
                                "default": 1}},
            "per_page": {"name": "per_page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                    "default": 20}},
            "consultation": {"name": "consultation", "in": "query", "required": False,
                             "description": "A consultation id.",
                             "schema": {"type": "integer", "minimum": 1}},
            "sector": {"name": "sector", "in": "query", "required": False,
                       "schema": {"type": "string", "enum": SECTORS}},
            "district": {"name": "district", "in": "query", "required": False,
                         "description": "A district id, or `city` for projects for the whole "
                                        "city.",
                         "schema": {"type": "string", "pattern": r"^(city|[1-9]\d{0,8})$"}},
            "goal": {"name": "goal", "in": "query", "required": False,
                     "description": "A goal id; a goal also matches its objectives.",
                     "schema": {"type": "integer", "minimum": 1}},
            "status": {"name": "status", "in": "query", "required": False,
                       "schema": {"type": "string", "enum": STATUSES}},
            "consultation_id": {"name": "consultation_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}},
            "proposal_id": {"name": "proposal_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}},
            "goal_id": {"name": "goal_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1}},
        },
    },
}


def openapi_document(licence: str, licence_url: str) -> dict[str, Any]:
    """The document, with the licence the city publishes its data under."""
    document = deepcopy(_DOCUMENT)
    document["info"]["license"] = {"name": licence, "url": licence_url}
    return document
