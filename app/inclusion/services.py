"""Profiles with consent and the population reference: saving, withdrawing, importing.

The population file is read the way public statistics publish it (GUS BDL exports): one row
per district, age band and gender with a count, semicolon-separated, in UTF-8 or in the
Windows-1250 encoding older exports use. The whole file is checked first; a file with any
problem imports nothing, and every problem is listed with its line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.consultations.models import District
from app.consultations.services import CsvProblem, csv_records
from app.db_types import utcnow
from app.extensions import db
from app.inclusion.models import (
    AgeBand,
    Gender,
    InclusionProfile,
    PopulationCount,
    WorkSituation,
)
from app.moderation.audit import record

if TYPE_CHECKING:
    from app.accounts.models import User

# --- profile ---------------------------------------------------------------------------------


def profile_of(user: User) -> InclusionProfile | None:
    """The person's profile, if they gave one and have not withdrawn it."""
    return db.session.scalar(select(InclusionProfile).where(InclusionProfile.user_id == user.id))


def save_profile(user: User, *, gender: Gender, age_band: AgeBand, district_id: int | None,
                 work_situation: WorkSituation) -> InclusionProfile:
    """Create or update the person's profile; saving is giving (or renewing) consent."""
    profile = profile_of(user)
    if profile is None:
        profile = InclusionProfile(user_id=user.id)
        db.session.add(profile)
    profile.gender, profile.age_band = gender, age_band
    profile.district_id, profile.work_situation = district_id, work_situation
    profile.consented_at = utcnow()
    db.session.commit()
    return profile


def forget_profile(user: User) -> None:
    """Delete the person's profile without committing (withdrawal and account deletion)."""
    db.session.execute(delete(InclusionProfile).where(InclusionProfile.user_id == user.id))


def forget_person(user: User) -> None:
    """On account deletion, without committing: the profile, and applications to panels that
    still take volunteers. Applications to panels whose seed is published stay (numbered, no
    name) so that anyone can still re-run the published draw."""
    from app.inclusion.models import Panel, PanelStatus, PanelVolunteer

    forget_profile(user)
    open_panels = select(Panel.id).where(Panel.status == PanelStatus.OPEN)
    db.session.execute(delete(PanelVolunteer).where(PanelVolunteer.user_id == user.id,
                                                    PanelVolunteer.panel_id.in_(open_panels)))


def withdraw_consent(user: User) -> bool:
    """Withdraw consent: the profile is deleted at once. Returns whether there was one."""
    had = profile_of(user) is not None
    forget_profile(user)
    db.session.commit()
    return had


def profile_for_export(user: User) -> dict[str, Any] | None:
    """The profile as it is stored, for the person's data download."""
    profile = profile_of(user)
    if profile is None:
        return None
    district = db.session.get(District, profile.district_id) if profile.district_id else None
    return {"gender": profile.gender.value, "age_band": profile.age_band.value,
            "district": district.name if district else None,
            "work_situation": profile.work_situation.value,
            "consented_at": profile.consented_at.isoformat()}


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


# --- population reference --------------------------------------------------------------------

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_COUNT = 10_000_000
COLUMNS = ("district", "age_band", "gender", "count")
# Column names as BDL exports and Polish spreadsheets have them.
COLUMN_ALIASES = {
    "district": "district", "dzielnica": "district", "nazwa": "district", "jednostka": "district",
    "age_band": "age_band", "wiek": "age_band", "grupa_wieku": "age_band",
    "gender": "gender", "płeć": "gender", "plec": "gender",
    "count": "count", "liczba": "count", "wartosc": "count", "wartość": "count",
}
GENDER_WORDS = {
    "female": Gender.FEMALE, "f": Gender.FEMALE, "k": Gender.FEMALE, "kobiety": Gender.FEMALE,
    "kobieta": Gender.FEMALE, "women": Gender.FEMALE,
    "male": Gender.MALE, "m": Gender.MALE, "mężczyźni": Gender.MALE, "mezczyzni": Gender.MALE,
    "mężczyzna": Gender.MALE, "men": Gender.MALE,
}
_DASHES = re.compile("[\u2010-\u2015\u2212]")
#: A complete example: the demo city's districts (the demo loads it through the same parser).
EXAMPLE_FILE = Path(__file__).with_name("population_example.csv")
EXAMPLE_CSV = (
    "district;age_band;gender;count\n"
    "Stare Miasto;18-29;kobiety;1 210\n"
    "Stare Miasto;18-29;mężczyźni;1 185\n"
    "Stare Miasto;30-44;kobiety;1 730\n"
    "…\n"
    "Stare Miasto;65+;mężczyźni;1 020\n"
)


@dataclass(frozen=True)
class PopulationRow:
    line: int
    district_id: int
    age_band: AgeBand
    gender: Gender
    count: int


def decode_upload(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), else Windows-1250 as older exports are."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1250")


def parse_age_band(text: str) -> AgeBand | None:
    cleaned = _DASHES.sub("-", text.strip().lower()).replace(" ", "")
    cleaned = cleaned.replace("iwięcej", "+").replace("iwiecej", "+").replace("andover", "+")
    try:
        return AgeBand(cleaned)
    except ValueError:
        return None


def parse_count(text: str) -> int | None:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
    return int(cleaned) if cleaned.isdigit() else None


def _header_problems(header: list[str]) -> tuple[dict[str, int], list[CsvProblem]]:
    names = [COLUMN_ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in header]
    positions = {name: index for index, name in enumerate(names) if name in COLUMNS}
    missing = [name for name in COLUMNS if name not in positions]
    if missing:
        return positions, [CsvProblem(1, None, None, _l(
            "The first line must name the columns %(columns)s; missing: %(missing)s.",
            columns=";".join(COLUMNS), missing=", ".join(missing)))]
    return positions, []


def parse_population_csv(
    text: str, district_ids: dict[str, int],
) -> tuple[list[PopulationRow], list[CsvProblem]]:
    """Read a population file; return its rows and every problem found (pure: no database).

    `district_ids` maps lower-cased district names to ids. Every district named in the file
    must have a row for each age band and gender (men and women, as statistics count them).
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [], [CsvProblem(1, None, None, _l("The file is empty."))]
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error:
        return [], [CsvProblem(1, None, None, _l("The first line cannot be read."))]
    positions, problems = _header_problems(header)
    if problems:
        return [], problems
    rows: list[PopulationRow] = []
    first_line_of: dict[tuple[int, AgeBand, Gender], int] = {}
    for start, record_ in csv_records(reader, problems, MAX_IMPORT_ROWS):
        row = _parse_row(start, record_, positions, district_ids, problems)
        if row is None:
            continue
        key = (row.district_id, row.age_band, row.gender)
        if key in first_line_of:
            problems.append(CsvProblem(start, None, None, _l(
                "The same district, age band and gender are on line %(line)s already.",
                line=first_line_of[key])))
            continue
        first_line_of[key] = start
        rows.append(row)
    if not problems:
        problems.extend(_completeness_problems(rows, district_ids))
    if not rows and not problems:
        problems.append(CsvProblem(2, None, None, _l("The file has no rows.")))
    return rows, problems


def _cell(record_: list[str], positions: dict[str, int], name: str) -> str:
    index = positions[name]
    return record_[index] if index < len(record_) else ""


def _parse_row(line: int, record_: list[str], positions: dict[str, int],
               district_ids: dict[str, int], problems: list[CsvProblem]) -> PopulationRow | None:
    found: list[CsvProblem] = []
    column = {name: index + 1 for name, index in positions.items()}
    name = _cell(record_, positions, "district").strip()
    district_id = district_ids.get(name.lower())
    if district_id is None:
        found.append(CsvProblem(line, column["district"], "district", _l(
            "No district is called “%(name)s”. Add it first or correct the name.", name=name)
            if name else _l("Give the district.")))
    age_text = _cell(record_, positions, "age_band")
    age_band = parse_age_band(age_text)
    if age_band is None:
        found.append(CsvProblem(line, column["age_band"], "age_band", _l(
            "“%(value)s” is not an age band; use %(bands)s.", value=age_text.strip(),
            bands=", ".join(band.value for band in AgeBand))))
    gender_text = _cell(record_, positions, "gender")
    gender = GENDER_WORDS.get(gender_text.strip().lower())
    if gender is None:
        found.append(CsvProblem(line, column["gender"], "gender", _l(
            "“%(value)s” is not a gender; use kobiety or mężczyźni (female or male).",
            value=gender_text.strip())))
    count_text = _cell(record_, positions, "count")
    count = parse_count(count_text)
    if count is None or count > MAX_COUNT:
        found.append(CsvProblem(line, column["count"], "count", _l(
            "“%(value)s” is not a whole number of people.", value=count_text.strip())))
    if found:
        problems.extend(found)
        return None
    return PopulationRow(line, district_id, age_band, gender, count)  # type: ignore[arg-type]


def _completeness_problems(rows: list[PopulationRow],
                           district_ids: dict[str, int]) -> list[CsvProblem]:
    names = {district_id: name for name, district_id in district_ids.items()}
    seen = {(row.district_id, row.age_band, row.gender) for row in rows}
    first_line: dict[int, int] = {}
    for row in rows:
        first_line.setdefault(row.district_id, row.line)
    problems = []
    for district_id in sorted(first_line):
        for band in AgeBand:
            for gender in (Gender.FEMALE, Gender.MALE):
                if (district_id, band, gender) not in seen:
                    problems.append(CsvProblem(first_line[district_id], None, None, _l(
                        "District “%(district)s” has no row for age %(band)s, %(gender)s.",
                        district=names[district_id], band=band.value, gender=gender.value)))
    return problems


def district_ids_by_name() -> dict[str, int]:
    return {district.name.lower(): district.id for district in districts()}


def import_population(rows: list[PopulationRow], source: str, actor: User) -> int:
    """Replace the whole population reference with these rows, in one transaction."""
    db.session.execute(delete(PopulationCount))
    now = utcnow()
    for row in rows:
        db.session.add(PopulationCount(district_id=row.district_id, age_band=row.age_band,
                                       gender=row.gender, count=row.count, source=source,
                                       imported_at=now))
    record(actor, "population.import", "population", None,
           details={"rows": len(rows), "people": sum(row.count for row in rows),
                    "source": source})
    db.session.commit()
    return len(rows)


def population_table() -> dict[str, Any]:
    """The population reference as stored: counts by district, age band and gender."""
    rows = db.session.execute(
        select(District.name, PopulationCount.age_band, PopulationCount.gender,
               PopulationCount.count)
        .join(District, District.id == PopulationCount.district_id)
        .order_by(District.name)).all()
    table: dict[str, dict[tuple[AgeBand, Gender], int]] = {}
    for name, band, gender, count in rows:
        table.setdefault(name, {})[(band, gender)] = count
    meta = db.session.execute(select(func.max(PopulationCount.imported_at),
                                     func.max(PopulationCount.source))).one()
    return {"districts": table, "total": sum(row[3] for row in rows),
            "imported_at": meta[0], "source": meta[1] or ""}
