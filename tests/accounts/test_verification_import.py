"""The census import: whole files or nothing, line-numbered problems, keyed hashes only."""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.census import build_pesel, pesel_hash
from app.accounts.models import CensusEntry, Role
from app.extensions import db
from app.moderation.models import AuditEntry
from app.verification import services
from tests.accounts.verification_helpers import (
    BAD_CHECKSUM,
    PESEL_A,
    PESEL_B,
    PESEL_C,
    district,
    everything_stored,
)

GOOD = ("pesel;district;birth_year\n"
        f"{PESEL_A};Stare Miasto;1980\n"
        f"{PESEL_B};nadrzecze;2002\n"  # district names match whatever the case
        f"{PESEL_C};Stare Miasto;1955\n")


@pytest.fixture
def districts(app):
    return district("Stare Miasto"), district("Nadrzecze")


def _upload(client, text: str, name: str = "census.csv"):
    return client.post("/census", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(CensusEntry))


def test_staff_import_a_good_file_as_keyed_hashes(client, auth, districts, caplog, in_english):
    caplog.set_level(logging.DEBUG)
    staff = auth.login_as(Role.STAFF)
    response = _upload(client, GOOD)
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Census imported: 3 entries added, 0 updated, 0 unchanged." in page
    entries = db.session.scalars(select(CensusEntry).order_by(CensusEntry.birth_year)).all()
    assert [e.birth_year for e in entries] == [1955, 1980, 2002]
    assert {e.pesel_hash for e in entries} == {pesel_hash(p) for p in (PESEL_A, PESEL_B, PESEL_C)}
    assert {e.district_id for e in entries} == {d.id for d in districts}
    assert all(e.user_id is None for e in entries)
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "census.import")).one()
    assert audit.actor_id == staff.id
    assert audit.details == {"created": 3, "updated": 0, "unchanged": 0}
    stored = everything_stored()
    for pesel in (PESEL_A, PESEL_B, PESEL_C):
        assert pesel not in stored
        assert pesel not in caplog.text
        assert pesel_hash(pesel) not in repr(audit.details)


def test_a_bad_file_is_refused_whole_with_every_problem_by_line(client, auth, districts,
                                                                 caplog, in_english):
    caplog.set_level(logging.DEBUG)
    auth.login_as(Role.STAFF)
    ten_digits = PESEL_B[1:]
    year_wrong = build_pesel(date(1971, 5, 5), 1111)
    in_wrong_column = build_pesel(date(1966, 6, 6), 2222)
    text = ("pesel,district,birth_year\n"
            f"{PESEL_A},Stare Miasto,1980\n"        # 2: fine
            f"{BAD_CHECKSUM},Stare Miasto,1980\n"   # 3: check digit
            f"{ten_digits},Nadrzecze,2002\n"        # 4: ten digits
            f"{year_wrong},Nadrzecze,1972\n"        # 5: year not the PESEL's
            f"{PESEL_C},Śródmieście,1955\n"         # 6: unknown district
            f"{PESEL_A},Nadrzecze,1980\n"           # 7: duplicate of line 2
            f"{PESEL_B},Nadrzecze\n"                # 8: a value missing
            "\n"                                    # 9: blank lines are skipped
            f"Stare Miasto,{in_wrong_column},1966\n"  # 10: columns swapped
            f",Nadrzecze,\n")                        # 11: empty cells
    response = _upload(client, text)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    problems = _by_line(text)
    assert set(problems) == {3, 4, 5, 6, 7, 8, 10, 11}
    assert "check digit" in problems[3][0]
    assert "11 digits" in problems[4][0]
    assert "not the one in the PESEL" in problems[5][0]
    assert "Śródmieście" in problems[6][0]
    assert "already on line 2" in problems[7][0]
    assert "3 values" not in problems[8][0] and "2 values" in problems[8][0]
    assert any("No district has this name" in m for m in problems[10])  # not quoted
    assert {"Give the PESEL.", "Give the year of birth."} <= set(problems[11])
    for line in (3, 4, 5, 6, 7, 8, 10, 11):
        assert f'<th scope="row">{line}</th>' in page
    assert _count() == 0
    assert not db.session.scalars(select(AuditEntry)).all()
    for pesel in (PESEL_A, PESEL_B, PESEL_C, BAD_CHECKSUM, ten_digits, year_wrong,
                  in_wrong_column):
        assert pesel not in page
        assert pesel not in caplog.text
    assert PESEL_A not in everything_stored()


def _by_line(text: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for problem in services.parse_census_csv(text, services.district_index())[1]:
        found.setdefault(problem.line, []).append(problem.text)
    return found


def test_a_file_without_the_header_line_is_refused_without_quoting_it(client, auth, districts,
                                                                     in_english):
    auth.login_as(Role.STAFF)
    page = _upload(client, f"{PESEL_A};Stare Miasto;1980\n").get_data(as_text=True)
    assert "seems to start with data" in page
    assert PESEL_A not in page
    assert _count() == 0


@pytest.mark.parametrize("text,expected", [
    ("", "The file is empty."),
    ("pesel;district;birth_year\n", "The file has no entries."),
    ("pesel;district\n1;2\n", "must name the columns"),
    ('pesel;district;birth_year\n"80010112340;Stare Miasto;1980\n', "the header has 3 columns"),
])
def test_files_with_nothing_to_import(app, districts, text, expected, in_english):
    rows, problems = services.parse_census_csv(text, services.district_index())
    assert rows == []
    assert any(expected in problem.text for problem in problems)


def test_columns_in_any_order_with_a_byte_order_mark(app, districts):
    text = "\ufeffdistrict,birth_year,pesel\nStare Miasto,1980," + " ".join(
        [PESEL_A[:5], PESEL_A[5:]]) + "\n"
    rows, problems = services.parse_census_csv(text, services.district_index())
    assert problems == []
    assert rows[0].pesel_hash == pesel_hash(PESEL_A)
    assert rows[0].birth_year == 1980


def test_too_many_rows(app, districts, in_english):
    _rows, problems = services.parse_census_csv(GOOD, services.district_index(), max_rows=2)
    assert "more than 2 rows" in problems[-1].text


def test_reimport_updates_district_and_keeps_the_link_to_the_account(client, auth, users,
                                                                     districts):
    resident = users()
    auth.login_as(Role.STAFF)
    assert _upload(client, GOOD).status_code == 303
    entry = db.session.scalar(select(CensusEntry).where(
        CensusEntry.pesel_hash == pesel_hash(PESEL_A)))
    assert services.verify_with_pesel(resident, PESEL_A) is services.Outcome.VERIFIED
    moved = GOOD.replace(f"{PESEL_A};Stare Miasto", f"{PESEL_A};Nadrzecze")
    assert _upload(client, moved).status_code == 303
    db.session.refresh(entry)
    assert entry.user_id == resident.id
    assert entry.district_id == districts[1].id
    assert _count() == 3
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "census.import")
                               .order_by(AuditEntry.seq.desc())).first()
    assert audit.details == {"created": 0, "updated": 1, "unchanged": 2}


def test_import_conflict_when_a_district_goes_away(app, districts, users):
    rows, problems = services.parse_census_csv(GOOD, services.district_index())
    assert not problems
    db.session.delete(districts[1])
    db.session.commit()
    with pytest.raises(services.ImportConflictError):
        services.import_census(rows, users(Role.STAFF))
    assert _count() == 0


def test_not_utf8_is_refused(client, auth, districts, in_english):
    auth.login_as(Role.STAFF)
    response = client.post("/census", data={"file": (io.BytesIO("ą".encode("cp1250") * 3),
                                                     "c.csv")},
                           content_type="multipart/form-data")
    assert "not UTF-8" in response.get_data(as_text=True)


def test_cli_import(app, runner, districts, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "census.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["census", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output
    assert _count() == 3
    audit = db.session.scalars(select(AuditEntry)).one()
    assert audit.actor_id is None and audit.action == "census.import"

    path.write_text(GOOD + f"{BAD_CHECKSUM};Stare Miasto;1980\n", encoding="utf-8")
    result = runner.invoke(args=["census", "import", str(path)])
    assert result.exit_code != 0
    assert "line 5, column 1 (pesel)" in result.output
    assert "Nothing was imported" in result.output
    for pesel in (PESEL_A, BAD_CHECKSUM):
        assert pesel not in result.output
        assert pesel not in caplog.text
