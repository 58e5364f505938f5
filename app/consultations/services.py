"""Logic of consultations, districts, strategy goals and the indicator import."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.consultations.models import (
    Consultation,
    District,
    Indicator,
    IndicatorValue,
    Phase,
    StrategyGoal,
)
from app.extensions import db
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalGoal, ProposalStatus

PER_PAGE = 20
#: Proposals in these states are not shown on a goal's page.
HIDDEN_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN)



# -- Consultations -------------------------------------------------------------------------


CONSULTATION_FIELDS = ("title", "summary", "description", "proposals_from", "review_from",
                       "deliberation_from", "voting_from", "results_from", "support_threshold")


@dataclass(frozen=True)
class TimelineStep:
    """One phase of a consultation as shown on its timeline."""

    phase: Phase
    start: date
    end: date | None  # last day of the phase; None for the results, which never end
    is_current: bool


def open_consultations(day: date) -> list[Consultation]:
    """Consultations between the opening of proposals and the results, soonest to close first."""
    return list(db.session.scalars(
        select(Consultation)
        .where(Consultation.proposals_from <= day, Consultation.results_from > day)
        .order_by(Consultation.results_from, Consultation.id)))


def upcoming_consultations(day: date) -> list[Consultation]:
    """Consultations whose proposals phase has not started, soonest first."""
    return list(db.session.scalars(
        select(Consultation).where(Consultation.proposals_from > day)
        .order_by(Consultation.proposals_from, Consultation.id)))


def past_consultations_page(day: date, page: int):
    """One page of consultations with published results, latest first."""
    query = (select(Consultation).where(Consultation.results_from <= day)
             .order_by(Consultation.results_from.desc(), Consultation.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def timeline(consultation: Consultation, day: date) -> list[TimelineStep]:
    """The five phases with their date ranges, the one in force on `day` marked."""
    current = consultation.phase_on(day)
    starts = consultation.phase_starts()
    steps = []
    for index, (phase, start) in enumerate(starts):
        end = starts[index + 1][1] - timedelta(days=1) if index + 1 < len(starts) else None
        steps.append(TimelineStep(phase, start, end, phase is current))
    return steps


def next_phase_start(consultation: Consultation, day: date) -> date | None:
    """When the phase after the current one begins (None once the results are out)."""
    return next((start for _phase, start in consultation.phase_starts() if start > day), None)


def paragraphs(text: str | None) -> list[list[str]]:
    """Plain text split into paragraphs (at blank lines), each a list of its lines."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [[line.strip() for line in block.split("\n")] for block in blocks if block.strip()]


def create_consultation(author: User, **values: Any) -> Consultation:
    """Open a new consultation."""
    consultation = Consultation(created_by_id=author.id,
                                **{name: values[name] for name in CONSULTATION_FIELDS})
    _clean_consultation(consultation)
    db.session.add(consultation)
    db.session.flush()
    record(author, "consultation.create", "consultation", consultation.id,
           details={"title": consultation.title})
    db.session.commit()
    return consultation


def update_consultation(consultation: Consultation, editor: User, **values: Any) -> None:
    """Change a consultation's texts, dates or support threshold."""
    before = {name: getattr(consultation, name) for name in CONSULTATION_FIELDS}
    for name in CONSULTATION_FIELDS:
        setattr(consultation, name, values[name])
    _clean_consultation(consultation)
    changed = [name for name in CONSULTATION_FIELDS if getattr(consultation, name) != before[name]]
    if changed:
        record(editor, "consultation.update", "consultation", consultation.id,
               details={"title": consultation.title, "changed": changed})
    db.session.commit()


def _clean_consultation(consultation: Consultation) -> None:
    consultation.title = consultation.title.strip()
    consultation.summary = consultation.summary.strip()
    consultation.description = (consultation.description or "").strip()


# -- Districts -----------------------------------------------------------------------------


class DistrictError(Exception):
    """The district cannot be changed; the message key says why."""


def clean_name(name: str | None) -> str:
    """A name without leading, trailing or repeated spaces."""
    return " ".join((name or "").split())


def all_districts() -> list[District]:
    """Every district, alphabetically."""
    return sorted(db.session.scalars(select(District)), key=lambda d: d.name.casefold())


def districts_with_usage() -> list[tuple[District, int]]:
    """Every district with the number of proposals placed in it."""
    counts = dict(db.session.execute(
        select(Proposal.district_id, func.count()).where(Proposal.district_id.is_not(None))
        .group_by(Proposal.district_id)).all())
    return [(district, counts.get(district.id, 0)) for district in all_districts()]


def district_usage(district: District) -> int:
    """How many proposals are placed in this district."""
    return db.session.scalar(
        select(func.count()).select_from(Proposal).where(Proposal.district_id == district.id))


def name_taken(name: str, districts: Iterable[District], exclude: District | None = None) -> bool:
    """True when another district has this name, ignoring case."""
    folded = clean_name(name).casefold()
    return any(d.name.casefold() == folded for d in districts if d is not exclude)


@contextmanager
def _committed_unless_taken(error: Exception) -> Iterator[None]:
    """Run the block and commit; when another request took the same unique name or code
    meanwhile, roll back (the audit entry with it) and raise `error`."""
    try:
        yield
        db.session.commit()
    except IntegrityError as integrity_error:
        db.session.rollback()
        raise error from integrity_error


def add_district(name: str, actor: User) -> District:
    """Add a district."""
    district = District(name=clean_name(name))
    db.session.add(district)
    with _committed_unless_taken(DistrictError("duplicate")):
        db.session.flush()
        record(actor, "district.create", "district", district.id,
               details={"name": district.name})
    return district


def rename_district(district: District, name: str, actor: User) -> None:
    """Give a district a new name."""
    old_name, district.name = district.name, clean_name(name)
    with _committed_unless_taken(DistrictError("duplicate")):
        if district.name != old_name:
            record(actor, "district.rename", "district", district.id,
                   details={"from": old_name, "to": district.name})


def delete_district(district: District, actor: User) -> None:
    """Remove a district no proposal uses."""
    if district_usage(district):
        raise DistrictError("in-use")
    db.session.delete(district)
    record(actor, "district.delete", "district", district.id, details={"name": district.name})
    db.session.commit()


# -- Strategy goals ------------------------------------------------------------------------


class GoalError(Exception):
    """The goal cannot be saved; the message key says why."""


CODE_PATTERN = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)?")


def natural_key(code: str) -> tuple:
    """Sort key that orders codes as people do: 2.9 before 2.10, 2 before 10."""
    key = []
    for part in code.split("."):
        for chunk in re.findall(r"\d+|\D+", part) or [""]:
            key.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk.casefold()))
        key.append((-1, 0, ""))  # end of a part: "2" before "2a", "2.1" before "2a"
    return tuple(key)


def all_goals() -> list[StrategyGoal]:
    """Every goal and objective, in code order."""
    return sorted(db.session.scalars(select(StrategyGoal)), key=lambda g: natural_key(g.code))


def top_level_goals(goals: Iterable[StrategyGoal]) -> list[StrategyGoal]:
    """The goals among `goals` that have no parent."""
    return [goal for goal in goals if goal.parent_id is None]


def strategy_tree() -> list[tuple[StrategyGoal, list[StrategyGoal]]]:
    """The top-level goals in code order, each with its objectives in code order."""
    goals = all_goals()
    children: dict[int, list[StrategyGoal]] = defaultdict(list)
    for goal in goals:
        if goal.parent_id is not None:
            children[goal.parent_id].append(goal)
    return [(goal, children[goal.id]) for goal in top_level_goals(goals)]


def get_goal_by_code_or_404(code: str) -> StrategyGoal:
    """The goal or objective with this code, or 404."""
    goal = db.session.scalar(select(StrategyGoal).where(StrategyGoal.code == code))
    if goal is None:
        abort(404)
    return goal


def parent_of(goal: StrategyGoal) -> StrategyGoal | None:
    """The goal an objective belongs to."""
    return db.session.get(StrategyGoal, goal.parent_id) if goal.parent_id else None


def objectives_of(goal: StrategyGoal) -> list[StrategyGoal]:
    """A goal's objectives in code order."""
    return sorted(db.session.scalars(select(StrategyGoal).where(StrategyGoal.parent_id == goal.id)),
                  key=lambda g: natural_key(g.code))


def indicators_with_values(goal: StrategyGoal) -> list[tuple[Indicator, list[IndicatorValue]]]:
    """A goal's indicators by name, each with its yearly values by year (two queries)."""
    indicators = list(db.session.scalars(
        select(Indicator).where(Indicator.goal_id == goal.id)
        .order_by(Indicator.name, Indicator.id)))
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    if indicators:
        for value in db.session.scalars(
                select(IndicatorValue)
                .where(IndicatorValue.indicator_id.in_([i.id for i in indicators]))
                .order_by(IndicatorValue.year)):
            values[value.indicator_id].append(value)
    return [(indicator, values[indicator.id]) for indicator in indicators]


def goal_proposals_page(goal_ids: Collection[int], page: int):
    """Public proposals serving any of these goals, most supported first."""
    linked = select(ProposalGoal.proposal_id).where(ProposalGoal.goal_id.in_(list(goal_ids)))
    query = (select(Proposal)
             .where(Proposal.id.in_(linked), Proposal.status.not_in(HIDDEN_STATUSES))
             .order_by(Proposal.support_count.desc(), Proposal.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


GOAL_FIELDS = ("code", "title", "description", "parent_id")


def create_goal(*, code: str, title: str, description: str, parent_id: int | None,
                actor: User) -> StrategyGoal:
    """Add a goal, or an objective under a top-level goal."""
    goal = StrategyGoal(code=code.strip(), title=title.strip(),
                        description=(description or "").strip(), parent_id=parent_id)
    db.session.add(goal)
    with _committed_unless_taken(GoalError("duplicate-code")):
        db.session.flush()
        record(actor, "goal.create", "goal", goal.id,
               details={"code": goal.code, "title": goal.title})
    return goal


def update_goal(goal: StrategyGoal, *, code: str, title: str, description: str,
                parent_id: int | None, actor: User) -> None:
    """Change a goal; a new code of a goal carries over to its objectives' codes."""
    before = {name: getattr(goal, name) for name in GOAL_FIELDS}
    old_code, new_code = goal.code, code.strip()
    if new_code != old_code:
        for objective in db.session.scalars(
                select(StrategyGoal).where(StrategyGoal.parent_id == goal.id)):
            if objective.code.startswith(old_code + "."):
                objective.code = new_code + objective.code[len(old_code):]
    goal.code = new_code
    goal.title = title.strip()
    goal.description = (description or "").strip()
    goal.parent_id = parent_id
    changed = [name for name in GOAL_FIELDS if getattr(goal, name) != before[name]]
    with _committed_unless_taken(GoalError("duplicate-code")):
        if changed:
            record(actor, "goal.update", "goal", goal.id,
                   details={"code": goal.code, "title": goal.title, "changed": changed})


def _goal_and_objective_ids(goal: StrategyGoal) -> list[int]:
    return [goal.id, *db.session.scalars(
        select(StrategyGoal.id).where(StrategyGoal.parent_id == goal.id))]


def goal_deletion_summary(goal: StrategyGoal) -> dict[str, int]:
    """What deleting a goal takes with it: objectives, indicators, links to proposals."""
    ids = _goal_and_objective_ids(goal)
    return {
        "objectives": len(ids) - 1,
        "indicators": db.session.scalar(
            select(func.count()).select_from(Indicator).where(Indicator.goal_id.in_(ids))),
        "proposals": db.session.scalar(
            select(func.count(func.distinct(ProposalGoal.proposal_id)))
            .where(ProposalGoal.goal_id.in_(ids))),
    }


def delete_goal(goal: StrategyGoal, actor: User) -> None:
    """Delete a goal with its objectives and indicators; linked proposals stay."""
    details = {"code": goal.code, "title": goal.title, **goal_deletion_summary(goal)}
    goal_id = goal.id
    ids = _goal_and_objective_ids(goal)
    # Explicit deletes: SQLite does not enforce ON DELETE CASCADE unless told to.
    indicator_ids = select(Indicator.id).where(Indicator.goal_id.in_(ids))
    db.session.execute(delete(IndicatorValue).where(IndicatorValue.indicator_id.in_(indicator_ids)))
    db.session.execute(delete(Indicator).where(Indicator.goal_id.in_(ids)))
    db.session.execute(delete(ProposalGoal).where(ProposalGoal.goal_id.in_(ids)))
    db.session.execute(update(StrategyGoal).where(StrategyGoal.id.in_(ids))
                       .values(parent_id=None))
    db.session.execute(delete(StrategyGoal).where(StrategyGoal.id.in_(ids)))
    record(actor, "goal.delete", "goal", goal_id, details=details)
    db.session.commit()


def delete_indicator(indicator: Indicator, actor: User) -> None:
    """Delete an indicator with its yearly values."""
    goal = db.session.get(StrategyGoal, indicator.goal_id)
    db.session.execute(delete(IndicatorValue)
                       .where(IndicatorValue.indicator_id == indicator.id))
    db.session.delete(indicator)
    record(actor, "indicator.delete", "indicator", indicator.id,
           details={"name": indicator.name, "goal_code": goal.code})
    db.session.commit()


# -- Indicator import ----------------------------------------------------------------------


MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_SHOWN_PROBLEMS = 1000
YEAR_MIN, YEAR_MAX = 1900, 2100
FIXED_COLUMNS = ("goal_code", "name", "unit", "source", "baseline", "baseline_year", "target",
                 "target_year")
TEXT_LIMITS = {"name": 300, "unit": 50, "source": 300}
# Numeric(18, 4): at most 14 digits before the decimal separator and 4 after it.
MAX_MAGNITUDE = Decimal(10) ** 14
MAX_DECIMALS = 4
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_NUMBER = re.compile(r"[+-]?(\d{1,3}( \d{3})+|\d+)([.,]\d+)?")

EXAMPLE_CSV = (
    "goal_code;name;unit;source;baseline;baseline_year;target;target_year;2021;2022;2023\n"
    "1;Stopa bezrobocia;%;GUS BDL, tabl. RYNE_2392;8,4;2021;5;2030;8,4;7,9;7,1\n"
    "1.2;Liczba spółdzielni socjalnych;szt.;KRS;3;2021;15;2030;3;5;\n"
    "2;Moc instalacji OZE;kW;Urząd Miasta;1 250;2021;12 000;2030;1 250;2 980;4 410\n"
)


class ImportConflictError(Exception):
    """The indicators changed while the file was being imported."""


@dataclass(frozen=True)
class CsvProblem:
    """One error found in an imported file: where it is and what is wrong."""

    line: int
    column: int | None  # 1-based; None for a problem with the whole line or file
    column_name: str | None
    message: Any  # a lazy string, translated when shown

    @property
    def text(self) -> str:
        """The message in the current language as plain text, which templates escape.

        (A lazy string itself counts as trusted HTML in Jinja, and messages quote the file.)
        """
        return str(self.message)


@dataclass
class IndicatorRow:
    """One valid line of an indicator file."""

    line: int
    goal_code: str
    name: str
    unit: str
    source: str
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    target_year: int | None
    values: dict[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    created: int
    updated: int
    values: int


def parse_number(text: str) -> Decimal | None:
    """A number as people type it: "12,5", "12.5", "1 250"; empty is None; ValueError else."""
    cleaned = _SPACES.sub(" ", text.strip())
    if not cleaned:
        return None
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned.replace(" ", "").replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(text) from error


def parse_year(text: str) -> int | None:
    """A year from 1900 to 2100; empty is None; ValueError else."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if not cleaned.isdigit() or not YEAR_MIN <= int(cleaned) <= YEAR_MAX:
        raise ValueError(text)
    return int(cleaned)


def csv_records(reader, problems: list[CsvProblem],
                max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """The data lines after the header, each with the number of the line it starts on.

    Blank lines are skipped. An unreadable line (a stray quotation mark) or more than
    `max_rows` lines add a problem to `problems` and end the reading: the file is refused
    whole, so nothing after that point matters.
    """
    line = reader.line_num + 1
    count = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            problems.append(CsvProblem(line, None, None, _l(
                "This line cannot be read; check the quotation marks.")))
            return
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        if count > max_rows:
            problems.append(CsvProblem(start, None, None, _l(
                "The file has more than %(max)s rows. Split it into smaller files.",
                max=max_rows)))
            return
        yield start, record


def sniff_delimiter(header_line: str) -> str:
    """Semicolon when the header line has more of them than commas, else comma."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file in UTF-8, with or without a byte order mark."""
    return data.decode("utf-8-sig")


def _number_problem(line: int, column: int, name: str, text: str) -> CsvProblem | None:
    try:
        number = parse_number(text)
    except ValueError:
        return CsvProblem(line, column, name, _l(
            "“%(value)s” is not a number. Write numbers like 1 250 or 12,5.", value=text.strip()))
    if number is not None:
        if abs(number) >= MAX_MAGNITUDE:
            return CsvProblem(line, column, name, _l("This number is too large."))
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
            return CsvProblem(line, column, name, _l(
                "Use at most %(digits)s digits after the decimal separator.",
                digits=MAX_DECIMALS))
    return None


def _year_problem(line: int, column: int, name: str, text: str) -> CsvProblem | None:
    try:
        parse_year(text)
    except ValueError:
        return CsvProblem(line, column, name, _l(
            "“%(value)s” is not a year from %(first)s to %(last)s.",
            value=text.strip(), first=YEAR_MIN, last=YEAR_MAX))
    return None


def _check_header(header: list[str]) -> tuple[list[int], list[CsvProblem]]:
    """The year columns named by the header, and what is wrong with it."""
    names = [cell.strip().lower() for cell in header]
    while names and not names[-1]:
        names.pop()
    problems: list[CsvProblem] = []
    if len(names) < len(FIXED_COLUMNS):
        problems.append(CsvProblem(1, None, None, _l(
            "The first line must name the columns %(columns)s, then one column per year.",
            columns=",".join(FIXED_COLUMNS))))
        return [], problems
    for index, expected in enumerate(FIXED_COLUMNS):
        if names[index] != expected:
            problems.append(CsvProblem(1, index + 1, names[index] or None, _l(
                "This column must be called “%(expected)s”.", expected=expected)))
    years: list[int] = []
    for index, name in enumerate(names[len(FIXED_COLUMNS):], start=len(FIXED_COLUMNS) + 1):
        problem = _year_problem(1, index, name, name) if name else CsvProblem(
            1, index, None, _l("Name this column with a year, like 2021."))
        if problem:
            problems.append(problem)
        elif int(name) in years:
            problems.append(CsvProblem(1, index, name, _l("This year appears twice.")))
        else:
            years.append(int(name))
    return years, problems


def _check_pair(line: int, cells: dict[str, str], value: str, year: str,
                problems: list[CsvProblem]) -> None:
    """A baseline or target and its year go together."""
    has_value, has_year = bool(cells[value].strip()), bool(cells[year].strip())
    if has_value and not has_year:
        problems.append(CsvProblem(line, FIXED_COLUMNS.index(year) + 1, year,
                                   _l("Give the year of this value.")))
    elif has_year and not has_value:
        problems.append(CsvProblem(line, FIXED_COLUMNS.index(value) + 1, value,
                                   _l("Give the value for this year, or leave the year empty.")))


def parse_indicator_csv(
    text: str, known_codes: Collection[str] | None = None,
) -> tuple[list[IndicatorRow], list[CsvProblem]]:
    """Read an indicator file in the wide format; return its rows and every problem found.

    Pure: no database. With `known_codes`, a goal code not among them is a problem.
    The rows are only meaningful when there are no problems.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [], [CsvProblem(1, None, None, _l("The file is empty."))]
    delimiter = sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error:
        return [], [CsvProblem(1, None, None, _l("The first line cannot be read."))]
    years, problems = _check_header(header)
    if problems:
        return [], problems
    width = len(FIXED_COLUMNS) + len(years)
    rows: list[IndicatorRow] = []
    first_line_of: dict[tuple[str, str], int] = {}
    for start, cells in csv_records(reader, problems, MAX_IMPORT_ROWS):
        row = _parse_row(start, cells, width, years, known_codes, problems)
        if row is None:
            continue
        key = (row.goal_code, row.name)
        if key in first_line_of:
            problems.append(CsvProblem(start, 2, "name", _l(
                "This goal already has an indicator with this name on line %(line)s.",
                line=first_line_of[key])))
        else:
            first_line_of[key] = start
            rows.append(row)
    if not rows and not problems:
        problems.append(CsvProblem(2, None, None, _l("The file has no indicators.")))
    return rows, problems


def _parse_row(line: int, record: list[str], width: int, years: list[int],
               known_codes: Collection[str] | None,
               problems: list[CsvProblem]) -> IndicatorRow | None:
    """One data line, or None when it has problems (added to `problems`)."""
    if len(record) > width and not any(cell.strip() for cell in record[width:]):
        record = record[:width]
    if len(record) != width:
        problems.append(CsvProblem(line, None, None, _l(
            "This line has %(found)s values, the header has %(expected)s columns.",
            found=len(record), expected=width)))
        return None
    found: list[CsvProblem] = []
    cells = dict(zip(FIXED_COLUMNS, record, strict=False))
    code = cells["goal_code"].strip()
    if not code:
        found.append(CsvProblem(line, 1, "goal_code", _l("Give the code of a goal.")))
    elif known_codes is not None and code not in known_codes:
        found.append(CsvProblem(line, 1, "goal_code", _l(
            "No goal or objective has the code “%(code)s”.", code=code)))
    for name in ("name", "unit", "source"):
        column = FIXED_COLUMNS.index(name) + 1
        value = cells[name].strip()
        if not value:
            found.append(CsvProblem(line, column, name, _l("This value is required.")))
        elif len(value) > TEXT_LIMITS[name]:
            found.append(CsvProblem(line, column, name, _l(
                "At most %(max)s characters.", max=TEXT_LIMITS[name])))
    for name in ("baseline", "target"):
        problem = _number_problem(line, FIXED_COLUMNS.index(name) + 1, name, cells[name])
        if problem:
            found.append(problem)
    for name in ("baseline_year", "target_year"):
        problem = _year_problem(line, FIXED_COLUMNS.index(name) + 1, name, cells[name])
        if problem:
            found.append(problem)
    for value, year in (("baseline", "baseline_year"), ("target", "target_year")):
        if not any(problem.column_name in (value, year) for problem in found):
            _check_pair(line, cells, value, year, found)
    values: dict[int, Decimal] = {}
    for offset, year in enumerate(years):
        column = len(FIXED_COLUMNS) + offset + 1
        text = record[column - 1]
        problem = _number_problem(line, column, str(year), text)
        if problem:
            found.append(problem)
        elif text.strip():
            values[year] = parse_number(text)  # type: ignore[assignment]
    if found:
        problems.extend(found)
        return None
    return IndicatorRow(
        line=line, goal_code=code, name=cells["name"].strip(), unit=cells["unit"].strip(),
        source=cells["source"].strip(), baseline=parse_number(cells["baseline"]),
        baseline_year=parse_year(cells["baseline_year"]), target=parse_number(cells["target"]),
        target_year=parse_year(cells["target_year"]), values=values)


def known_goal_codes() -> set[str]:
    """The codes of every goal and objective."""
    return set(db.session.scalars(select(StrategyGoal.code)))


def import_indicators(rows: list[IndicatorRow], actor: User) -> ImportSummary:
    """Create or update each indicator (same goal, same name) and its yearly values, at once.

    An empty cell leaves a year's stored value as it is.
    """
    goals = {goal.code: goal for goal in db.session.scalars(
        select(StrategyGoal).where(StrategyGoal.code.in_({row.goal_code for row in rows})))}
    goal_ids = [goal.id for goal in goals.values()]
    existing = {(indicator.goal_id, indicator.name): indicator for indicator in db.session.scalars(
        select(Indicator).where(Indicator.goal_id.in_(goal_ids)))}
    stored = {(value.indicator_id, value.year): value for value in db.session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_id.in_(
            [indicator.id for indicator in existing.values()])))} if existing else {}
    indicators: list[Indicator] = []
    created = written = 0
    for row in rows:
        goal = goals.get(row.goal_code)
        if goal is None:  # deleted since the file was checked
            db.session.rollback()
            raise ImportConflictError(row.goal_code)
        indicator = existing.get((goal.id, row.name))
        if indicator is None:
            indicator = Indicator(goal_id=goal.id, name=row.name)
            db.session.add(indicator)
            created += 1
        indicator.unit, indicator.source = row.unit, row.source
        indicator.baseline, indicator.baseline_year = row.baseline, row.baseline_year
        indicator.target, indicator.target_year = row.target, row.target_year
        indicators.append(indicator)
    db.session.flush()  # ids for the new indicators
    for row, indicator in zip(rows, indicators, strict=True):
        for year, number in row.values.items():
            value = stored.get((indicator.id, year))
            if value is None:
                db.session.add(IndicatorValue(indicator_id=indicator.id, year=year, value=number))
            else:
                value.value = number
            written += 1
    summary = ImportSummary(created, len(rows) - created, written)
    try:
        record(actor, "indicator.import", "strategy", None,
               details={"created": summary.created, "updated": summary.updated,
                        "values": summary.values})
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ImportConflictError("concurrent") from error
    return summary


def shown_problems(problems: list[CsvProblem]) -> list[CsvProblem]:
    """The problems to list on the page (the first thousand)."""
    return problems[:MAX_SHOWN_PROBLEMS]

