"""The demo city's census: synthetic numbers, one verified account, one number to try."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.accounts.census import is_valid_pesel
from app.accounts.models import CensusEntry, User
from app.demo.census import CENSUS_SIZE, TRY_EMAIL, TRY_PESEL, VERIFIED_EMAIL, demo_census_csv
from app.demo.services import DEMO_PASSWORD
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import AuditEntry
from tests.accounts.verification_helpers import everything_stored


def test_demo_census_is_synthetic_well_formed_and_hashed(runner, client, auth):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(CensusEntry)) == CENSUS_SIZE
    pesels = [line.split(";")[0] for line in demo_census_csv().splitlines()[1:]]
    assert len(set(pesels)) == CENSUS_SIZE and all(map(is_valid_pesel, pesels))
    stored = everything_stored()
    assert not any(pesel in stored for pesel in pesels)
    verified = db.session.scalar(select(User).where(User.email == VERIFIED_EMAIL))
    assert verified.is_verified
    assert db.session.scalar(select(func.count()).select_from(CensusEntry)
                             .where(CensusEntry.user_id.is_not(None))) == 1
    imports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "census.import"))
    assert [entry.details["created"] for entry in imports] == [CENSUS_SIZE]
    assert verify_chain().ok

    # Loading again adds nothing and records nothing.
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries

    printed = runner.invoke(args=["demo", "accounts"]).output
    assert f"{VERIFIED_EMAIL}  (verified resident" in printed
    assert TRY_PESEL in printed and TRY_EMAIL in printed and "synthetic" in printed
    assert f"(`{TRY_PESEL}`)" in (Path(__file__).parents[2] / "README.md").read_text()

    assert auth.login(TRY_EMAIL, DEMO_PASSWORD).status_code == 303
    response = client.post("/account/verify", data={"pesel": TRY_PESEL})
    assert response.status_code == 303
    assert db.session.scalar(select(User).where(User.email == TRY_EMAIL)).is_verified
