"""CSV exports of the open data, streamed row by row.

Format choices (also on the open-data page and in the README):

* RFC 4180: comma-separated, fields quoted when they hold a comma, a quote or a line break,
  lines ended by CRLF; numbers with a decimal point ("250000.00"), dates in ISO 8601.
* UTF-8 with a byte-order mark. Excel, as installed in Poland, reads a file without the mark in
  the old Windows code page and garbles Polish letters (two odd characters for "ś"); with the
  mark it reads UTF-8. Other tools (Python's csv with `utf-8-sig`, R, LibreOffice, pandas)
  accept the mark.
* Cells of text that begin with `=`, `+`, `-`, `@`, a tab or a carriage return are prefixed
  with an apostrophe, so a spreadsheet shows them as text instead of running them as a formula
  (CSV injection). Numbers are written as numbers and never prefixed.

Proposals are read in chunks of `CHUNK` rows, each with a fixed number of queries, so a long
export neither holds every row in memory nor asks the database once per row. The other exports
are small (the strategy, the consultations) and are read whole before the answer starts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from flask import Flask, url_for

from app.api import services
from app.extensions import db
from app.proposals.models import Proposal

BOM = "\ufeff"
CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PROPOSAL_COLUMNS = (
    "id", "consultation_id", "consultation", "title", "sector", "district_id", "district",
    "estimated_cost", "expected_jobs", "status", "status_reason", "goals", "authors",
    "support_count", "comment_count", "pledged_members_natural_persons",
    "pledged_members_legal_persons", "pledged_workers", "pledged_volunteers", "created_at",
    "url", "body_markdown",
)
GOAL_COLUMNS = ("id", "code", "title", "parent_code", "description", "url")
INDICATOR_COLUMNS = ("goal_code", "goal", "indicator_id", "indicator", "unit", "source",
                     "baseline", "baseline_year", "target", "target_year", "year", "value")
CONSULTATION_COLUMNS = ("id", "title", "summary", "phase", "proposals_from", "review_from",
                        "deliberation_from", "voting_from", "results_from", "support_threshold",
                        "url")


def safe_cell(value: object) -> object:
    """A value fit for a spreadsheet cell: text that would start a formula is made literal."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        return services.decimal_text(value)
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The BOM and header, then each row, as text chunks for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield BOM + take()
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield take()


@dataclass(frozen=True)
class PageLinks:
    """Addresses of the site's pages, worked out during the request for rows written after it
    (a streamed answer is written when no request is active any more)."""

    proposal: str
    consultation: str
    goal: str

    @classmethod
    def for_request(cls) -> PageLinks:
        return cls(proposal=_pattern("proposals.show", "proposal_id"),
                   consultation=_pattern("consultations.show", "consultation_id"),
                   goal=_pattern("consultations.goal", "code"))


_MARK = 918273645


def _pattern(endpoint: str, argument: str) -> str:
    return url_for(endpoint, **{argument: _MARK}, _external=True).replace(str(_MARK), "{}")


def proposal_rows(app: Flask, filters: services.ProposalFilters,
                  links: PageLinks) -> Iterator[list[object]]:
    """Public proposals matching the filters, in id order, read CHUNK at a time.

    Each chunk is read in an application context of its own that ends before its rows are
    handed out, so the stream holds no transaction and no context between chunks, and one
    left unread or closed half-way leaves nothing open.
    """
    last_id = 0
    while True:
        with app.app_context():
            chunk = list(db.session.scalars(
                services.proposals_query(filters).where(Proposal.id > last_id).limit(CHUNK)))
            titles = services.consultation_titles({p.consultation_id for p in chunk})
            facts = services.proposal_facts([p.id for p in chunk])
            rows = [_proposal_row(proposal, services.proposal_data(proposal, facts), titles,
                                  links) for proposal in chunk]
        if not rows:
            return
        yield from rows
        last_id = rows[-1][0]


def _proposal_row(proposal: Proposal, data: dict, titles: dict[int, str],
                  links: PageLinks) -> list[object]:
    pledges = data["pledges"]
    district = data["district"] or {}
    return [
        proposal.id, proposal.consultation_id, titles.get(proposal.consultation_id),
        proposal.title, data["sector"], district.get("id"), district.get("name"),
        data["estimated_cost"], proposal.expected_jobs, data["status"],
        proposal.status_reason, " ".join(goal["code"] for goal in data["goals"]),
        "; ".join(data["authors"]), proposal.support_count, proposal.comment_count,
        pledges["members_natural_persons"], pledges["members_legal_persons"],
        pledges["workers"], pledges["volunteers"], data["created_at"],
        links.proposal.format(proposal.id), proposal.body_markdown,
    ]


def goal_rows(links: PageLinks) -> list[list[object]]:
    """Every strategy goal and objective in reading order."""
    return [[goal.id, goal.code, goal.title, parent.code if parent else None, goal.description,
             links.goal.format(quote(goal.code, safe=""))]
            for goal, parent in services.flat_goals()]


def indicator_rows() -> list[list[object]]:
    """One row per indicator and year (an indicator without values gets one empty row)."""
    return [[goal.code, goal.title, indicator.id, indicator.name, indicator.unit,
             indicator.source, indicator.baseline, indicator.baseline_year, indicator.target,
             indicator.target_year, value.year if value else None,
             value.value if value else None]
            for goal, indicator, value in services.indicator_rows()]


def consultation_rows(links: PageLinks) -> list[list[object]]:
    """Every consultation, newest first."""
    rows = []
    for consultation in db.session.scalars(services.consultations_query()):
        starts = [start.isoformat() for _phase, start in consultation.phase_starts()]
        rows.append([consultation.id, consultation.title, consultation.summary,
                     consultation.phase_today().value, *starts,
                     consultation.support_threshold, links.consultation.format(consultation.id)])
    return rows
