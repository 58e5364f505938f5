"""Synthetic PESELs and census entries for the verification tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, select

from app.accounts.census import build_pesel, pesel_hash
from app.accounts.models import CensusEntry
from app.consultations.models import District
from app.extensions import db

# Well-formed, made-up numbers (birth date + serial + computed check digit).
PESEL_A = build_pesel(date(1980, 1, 1), 17)
PESEL_B = build_pesel(date(2002, 6, 14), 26)
PESEL_C = build_pesel(date(1955, 12, 30), 35)
PESEL_OFF_CENSUS = build_pesel(date(1990, 3, 3), 4321)
BAD_CHECKSUM = PESEL_A[:10] + str((int(PESEL_A[10]) + 1) % 10)


def district(name: str = "Stare Miasto") -> District:
    found = db.session.scalar(select(District).where(District.name == name))
    if found is None:
        found = District(name=name)
        db.session.add(found)
        db.session.commit()
    return found


def on_census(pesel: str, district_name: str = "Stare Miasto", *,
              user=None) -> CensusEntry:
    """Put a person on the census list directly (the import has its own tests)."""
    from app.accounts.census import pesel_birth_date

    entry = CensusEntry(pesel_hash=pesel_hash(pesel), district_id=district(district_name).id,
                        birth_year=pesel_birth_date(pesel).year)
    if user is not None:
        from app.accounts.models import VerificationMethod
        from app.db_types import utcnow

        entry.user_id, entry.verified_at = user.id, utcnow()
        entry.method = VerificationMethod.PESEL
    db.session.add(entry)
    db.session.commit()
    return entry


def everything_stored() -> str:
    """Every value of every row of every table, as one text (to search for a PESEL)."""
    parts = []
    for table in db.metadata.sorted_tables:
        if not inspect(db.engine).has_table(table.name):
            continue
        for row in db.session.execute(select(table)):
            parts.append(repr(tuple(row)))
    return "\n".join(parts)
