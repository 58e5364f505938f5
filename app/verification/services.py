"""Census import and verification of residents: the logic, and the one commit per request.

A PESEL is turned into its keyed hash (app/accounts/census.py) as soon as it is read. No
function here stores, logs or returns a number, and no message quotes one: problems in an
imported file name the line and the column, never the value in the PESEL column.

Linking an account to a census entry is one conditional UPDATE (`... WHERE pesel_hash = :h
AND user_id IS NULL`): when two accounts send the same PESEL at the same moment, the database
lets exactly one of them change the row, and the other finds it taken. The unique `user_id`
keeps the other direction: one account, one entry.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.census import is_valid_pesel, normalise_pesel, pesel_birth_date, pesel_hash
from app.accounts.models import CensusEntry, User, VerificationMethod
from app.consultations.models import District
from app.consultations.services import CsvProblem, csv_records, sniff_delimiter
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import record

COLUMNS = ("pesel", "district", "birth_year")
MAX_CENSUS_ROWS = 500_000
# Ids and hashes are looked up in batches of this many, below every database's parameter limit.
BATCH = 1000
# A district cell with a run of digits this long may be a PESEL in the wrong column: not quoted.
_DIGIT_RUN = re.compile(r"\d{6}")

# Synthetic numbers (well-formed, made up for this example; see app/demo/census.py).
EXAMPLE_CSV = (
    "pesel;district;birth_year\n"
    "80010112340;Stare Miasto;1980\n"
    "02261412343;Nadrzecze;2002\n"
    "55123012342;Osiedle Hutnicze;1955\n"
)


class ImportConflictError(Exception):
    """The census or the districts changed while the file was being imported."""


@dataclass(frozen=True)
class CensusRow:
    """One valid line of a census file, with the PESEL already replaced by its hash."""

    line: int
    pesel_hash: str
    district_id: int
    birth_year: int


@dataclass(frozen=True)
class CensusImportSummary:
    """What an import did to the census list."""

    created: int
    updated: int
    unchanged: int


class Outcome(enum.StrEnum):
    """What came of an attempt to verify an account."""

    VERIFIED = "verified"
    NOT_ON_CENSUS = "not_on_census"
    TAKEN = "taken"  # the entry verifies another account (which one is never said)
    ALREADY_VERIFIED = "already_verified"  # this account has an entry already
    OWN_ACCOUNT = "own_account"  # a staff member may not verify themselves in person


# -- Census file ---------------------------------------------------------------------------


def district_index() -> dict[str, int]:
    """Every district's id by its name, compared without regard to case."""
    return {name.casefold(): district_id for district_id, name in
            db.session.execute(select(District.id, District.name))}


def _check_header(header: list[str]) -> tuple[dict[str, int], list[CsvProblem]]:
    """Where each column is, and what is wrong with the first line."""
    names = [cell.strip().lower() for cell in header]
    while names and not names[-1]:
        names.pop()
    if sorted(names) == sorted(COLUMNS):
        return {name: names.index(name) for name in COLUMNS}, []
    message = _l("The first line must name the columns %(columns)s (in any order).",
                 columns=", ".join(COLUMNS))
    if names and names[0].isdigit():
        message = _l("The first line must name the columns %(columns)s (in any order); "
                     "this file seems to start with data.", columns=", ".join(COLUMNS))
    return {}, [CsvProblem(1, None, None, message)]


def _pesel_problem(pesel: str) -> Any:
    """Why this text is not a PESEL (never quoting it), or None."""
    if not pesel:
        return _l("Give the PESEL.")
    if len(pesel) != 11 or not pesel.isascii() or not pesel.isdigit():
        return _l("A PESEL has 11 digits. If the file comes from a spreadsheet, format the "
                  "column as text so leading zeros are kept.")
    if not is_valid_pesel(pesel):
        return _l("This is not a valid PESEL: the check digit or the date of birth is wrong.")
    return None


def _parse_row(line: int, record: list[str], columns: Mapping[str, int],
               districts: Mapping[str, int], key: bytes,
               problems: list[CsvProblem]) -> CensusRow | None:
    """One data line, or None when it has problems (added to `problems`)."""
    width = len(COLUMNS)
    if len(record) > width and not any(cell.strip() for cell in record[width:]):
        record = record[:width]
    if len(record) != width:
        problems.append(CsvProblem(line, None, None, _l(
            "This line has %(found)s values, the header has %(expected)s columns.",
            found=len(record), expected=width)))
        return None
    cells = {name: record[index].strip() for name, index in columns.items()}
    found: list[CsvProblem] = []

    def problem(name: str, message: Any) -> None:
        found.append(CsvProblem(line, columns[name] + 1, name, message))

    pesel = normalise_pesel(cells["pesel"])
    pesel_problem = _pesel_problem(pesel)
    if pesel_problem is not None:
        problem("pesel", pesel_problem)
    year_text = cells["birth_year"]
    year = int(year_text) if year_text.isascii() and year_text.isdigit() else None
    if not year_text:
        problem("birth_year", _l("Give the year of birth."))
    elif year is None or not 1800 <= year <= 2299:
        problem("birth_year", _l("The year of birth must be a year like 1980."))
    elif pesel_problem is None and pesel_birth_date(pesel).year != year:  # type: ignore[union-attr]
        problem("birth_year", _l("The year of birth is not the one in the PESEL."))
    district = cells["district"]
    district_id = districts.get(district.casefold())
    if not district:
        problem("district", _l("Give the district."))
    elif district_id is None:
        problem("district", _l(
            "No district is called “%(name)s”. Add it on the districts page first, or "
            "correct the name.", name=district[:120]) if not _DIGIT_RUN.search(district)
            else _l("No district has this name."))
    if found:
        problems.extend(found)
        return None
    return CensusRow(line=line, pesel_hash=pesel_hash(pesel, key),
                     district_id=district_id, birth_year=year)  # type: ignore[arg-type]


def parse_census_csv(text: str, districts: Mapping[str, int],
                     key: str | bytes | None = None,
                     max_rows: int = MAX_CENSUS_ROWS) -> tuple[list[CensusRow], list[CsvProblem]]:
    """Read a census file; return its rows (PESELs hashed) and every problem found.

    `districts` maps case-folded names to ids (`district_index()`). The rows are only
    meaningful when there are no problems.
    """
    key = key if key is not None else current_app.config["PESEL_HMAC_KEY"]
    key = key.encode() if isinstance(key, str) else key
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [], [CsvProblem(1, None, None, _l("The file is empty."))]
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=sniff_delimiter(text.splitlines()[0]))
    try:
        header = next(reader)
    except csv.Error:
        return [], [CsvProblem(1, None, None, _l("The first line cannot be read."))]
    columns, problems = _check_header(header)
    if problems:
        return [], problems
    rows: list[CensusRow] = []
    first_line_of: dict[str, int] = {}
    for start, record_ in csv_records(reader, problems, max_rows):
        row = _parse_row(start, record_, columns, districts, key, problems)
        if row is None:
            continue
        if row.pesel_hash in first_line_of:
            problems.append(CsvProblem(start, columns["pesel"] + 1, "pesel", _l(
                "The same PESEL is already on line %(line)s.",
                line=first_line_of[row.pesel_hash])))
        else:
            first_line_of[row.pesel_hash] = start
            rows.append(row)
    if not rows and not problems:
        problems.append(CsvProblem(2, None, None, _l("The file has no entries.")))
    return rows, problems


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def import_census(rows: list[CensusRow], actor: User | None) -> CensusImportSummary:
    """Add new entries and update the district and birth year of known ones, all at once.

    An entry already on the list keeps its link to an account; entries missing from the file
    stay as they are (a city may import its list district by district). Every entry in the
    file gets the import's time as `imported_at`.
    """
    wanted = {row.district_id for row in rows}
    if len(set(db.session.scalars(select(District.id).where(District.id.in_(wanted))))) \
            != len(wanted):  # a district deleted since the file was checked
        db.session.rollback()
        raise ImportConflictError("district")
    stored: dict[str, tuple[int, int | None, int]] = {}
    for batch in _batches([row.pesel_hash for row in rows]):
        for entry_id, digest, district_id, year in db.session.execute(
                select(CensusEntry.id, CensusEntry.pesel_hash, CensusEntry.district_id,
                       CensusEntry.birth_year).where(CensusEntry.pesel_hash.in_(batch))):
            stored[digest] = (entry_id, district_id, year)
    now = utcnow()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    seen: list[int] = []
    for row in rows:
        known = stored.get(row.pesel_hash)
        if known is None:
            new.append({"pesel_hash": row.pesel_hash, "district_id": row.district_id,
                        "birth_year": row.birth_year, "imported_at": now})
        elif known[1:] != (row.district_id, row.birth_year):
            changed.append({"id": known[0], "district_id": row.district_id,
                            "birth_year": row.birth_year, "imported_at": now})
        else:
            seen.append(known[0])
    try:
        for batch in _batches(new):
            db.session.execute(insert(CensusEntry), batch)
        if changed:
            db.session.execute(update(CensusEntry), changed)
        for batch in _batches(seen):
            db.session.execute(update(CensusEntry).where(CensusEntry.id.in_(batch))
                               .values(imported_at=now)
                               .execution_options(synchronize_session=False))
        summary = CensusImportSummary(len(new), len(changed), len(seen))
        record(actor, "census.import", "census", None,
               details={"created": summary.created, "updated": summary.updated,
                        "unchanged": summary.unchanged})
        db.session.commit()
    except IntegrityError as error:  # a district deleted, or the same entry added meanwhile
        db.session.rollback()
        raise ImportConflictError from error
    return summary


@dataclass(frozen=True)
class DistrictCount:
    name: str | None
    entries: int
    verified: int


@dataclass(frozen=True)
class CensusOverview:
    """How large the census is and how much of it verifies accounts."""

    entries: int
    verified: int
    in_person: int
    last_import: datetime | None
    districts: list[DistrictCount]


def census_overview() -> CensusOverview:
    """Counts for the staff census page, in two queries whatever the size of the list."""
    rows = db.session.execute(
        select(District.name, func.count(CensusEntry.id), func.count(CensusEntry.user_id))
        .select_from(CensusEntry).outerjoin(District, District.id == CensusEntry.district_id)
        .group_by(District.name).order_by(District.name)).all()
    in_person, last_import = db.session.execute(
        select(func.count(CensusEntry.id).filter(
            CensusEntry.method == VerificationMethod.IN_PERSON),
            func.max(CensusEntry.imported_at))).one()
    districts = [DistrictCount(name, entries, verified) for name, entries, verified in rows]
    return CensusOverview(entries=sum(d.entries for d in districts),
                          verified=sum(d.verified for d in districts),
                          in_person=in_person or 0, last_import=last_import,
                          districts=districts)


# -- Verification --------------------------------------------------------------------------


def _unclaimed():
    """The condition under which an entry may be linked: no account has it yet."""
    return CensusEntry.user_id.is_(None)


def _link(user: User, pesel: str, method: VerificationMethod, staff: User | None) -> Outcome:
    """Link the census entry of this PESEL to the account, if it is free; commit."""
    if user.census_entry is not None:
        return Outcome.ALREADY_VERIFIED
    digest = pesel_hash(pesel)
    try:
        claimed = db.session.execute(
            update(CensusEntry).where(CensusEntry.pesel_hash == digest, _unclaimed())
            .values(user_id=user.id, verified_at=utcnow(), method=method,
                    verified_by_id=staff.id if staff is not None else None)
            .execution_options(synchronize_session=False)).rowcount
    except IntegrityError:  # this account took another entry in a request running meanwhile
        db.session.rollback()
        return Outcome.ALREADY_VERIFIED
    if claimed != 1:
        db.session.rollback()
        holder = db.session.execute(select(CensusEntry.user_id)
                                    .where(CensusEntry.pesel_hash == digest)).first()
        if holder is None:
            return Outcome.NOT_ON_CENSUS
        return Outcome.ALREADY_VERIFIED if holder.user_id == user.id else Outcome.TAKEN
    if staff is not None:
        entry_id = db.session.scalar(select(CensusEntry.id)
                                     .where(CensusEntry.pesel_hash == digest))
        # The entry, not the person, is the target: the public log does not say who it was.
        record(staff, "census.verify_in_person", "census_entry", entry_id)
    db.session.commit()
    return Outcome.VERIFIED


def verify_with_pesel(user: User, pesel: str) -> Outcome:
    """A resident proves residence with their PESEL."""
    return _link(user, pesel, VerificationMethod.PESEL, None)


def verify_in_person(user: User, pesel: str, staff: User) -> Outcome:
    """A staff member, having checked an identity document, links the person's entry."""
    if user.id == staff.id:
        return Outcome.OWN_ACCOUNT
    return _link(user, pesel, VerificationMethod.IN_PERSON, staff)


def release_census_entry(user: User) -> None:
    """Free a deleted account's entry (no commit: part of the deletion's transaction).

    The entry stays, since the census is the city's list, and can verify a new account of
    the same person.
    """
    db.session.execute(
        update(CensusEntry).where(CensusEntry.user_id == user.id)
        .values(user_id=None, verified_at=None, verified_by_id=None, method=None)
        .execution_options(synchronize_session=False))


def verification_for_export(user: User) -> dict[str, Any]:
    """The verification part of a person's data download (never the hash)."""
    entry = user.census_entry
    if entry is None:
        return {"verified": False}
    return {
        "verified": True,
        "district": entry.district.name if entry.district is not None else None,
        "birth_year": entry.birth_year,
        "verified_at": entry.verified_at.isoformat() if entry.verified_at else None,
        "method": entry.method.value if entry.method else None,
    }


def find_person(email: str) -> User | None:
    """The live account with this address, for verification in person."""
    from app.accounts.services import find_user_by_email

    return find_user_by_email(email)


def census_size() -> int:
    """How many entries the census list holds."""
    return db.session.scalar(select(func.count()).select_from(CensusEntry)) or 0
