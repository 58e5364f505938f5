"""The demo city's census list: synthetic PESELs, one demo account already verified.

Every number here is made up: a birth date, a serial and the check digit computed from them
(`build_pesel`), so the numbers are well formed but drawn at random, not taken from anyone.
The list goes through the same import as a real one, as the staff's step in the audit log.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from app.accounts.census import build_pesel, pesel_hash
from app.accounts.models import CensusEntry, Role, User
from app.demo.consultation import DISTRICTS
from app.extensions import db
from app.verification.services import (
    Outcome,
    district_index,
    import_census,
    parse_census_csv,
    verify_with_pesel,
)

CENSUS_SIZE = 60
VERIFIED_EMAIL = "resident@wrzosow.example"
VERIFIED_PESEL = build_pesel(date(1978, 9, 21), 3417)  # synthetic
VERIFIED_DISTRICT = DISTRICTS[0]
TRY_EMAIL = "resident2@wrzosow.example"
TRY_PESEL = build_pesel(date(1991, 4, 12), 5826)  # synthetic, printed for testers
TRY_DISTRICT = DISTRICTS[1]
#: Two people on the census without accounts, for whom staff can record paper ballots in the
#: demo budget vote (synthetic numbers, printed in the README).
PAPER_VOTERS = [("52072202468", "Stare Miasto", 1952), ("99113003572", "Kolejowa", 1999)]


def demo_census_csv() -> str:
    """The demo census file: the known people and more at random, the same every time."""
    rng = random.Random(1410)  # noqa: S311 - sample data
    lines = ["pesel;district;birth_year",
             f"{VERIFIED_PESEL};{VERIFIED_DISTRICT};1978",
             f"{TRY_PESEL};{TRY_DISTRICT};1991",
             *(f"{pesel};{district};{year}" for pesel, district, year in PAPER_VOTERS)]
    seen = {VERIFIED_PESEL, TRY_PESEL, *(pesel for pesel, _, _ in PAPER_VOTERS)}
    while len(lines) < CENSUS_SIZE + 1:
        born = date(rng.randint(1935, 2008), rng.randint(1, 12), rng.randint(1, 28))
        pesel = build_pesel(born, rng.randrange(10000))
        if pesel not in seen:
            seen.add(pesel)
            lines.append(f"{pesel};{rng.choice(DISTRICTS)};{born.year}")
    return "\n".join(lines) + "\n"


def load_census() -> bool:
    """Import the demo census unless it is there, and verify the demo resident; commits."""
    if db.session.scalar(select(CensusEntry.id).where(
            CensusEntry.pesel_hash == pesel_hash(TRY_PESEL))) is not None:
        return False
    rows, problems = parse_census_csv(demo_census_csv(), district_index())
    if problems:  # pragma: no cover - the demo file is generated well formed
        raise RuntimeError(f"demo census: {[p.text for p in problems]}")
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))
    import_census(rows, staff)
    resident = db.session.scalar(select(User).where(User.email == VERIFIED_EMAIL))
    if resident is not None and not resident.is_verified:
        outcome = verify_with_pesel(resident, VERIFIED_PESEL)
        if outcome is not Outcome.VERIFIED:  # pragma: no cover - the entry was just added
            raise RuntimeError(f"demo resident not verified: {outcome}")
    return True
