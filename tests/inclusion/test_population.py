"""The population reference: a GUS-shaped CSV, checked whole, imported all or nothing."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.inclusion import services
from app.inclusion.models import AgeBand, Gender, PopulationCount
from tests.factories import make_district
from tests.inclusion.helpers import DEMO_DISTRICTS, districts_with_population

GOOD = services.EXAMPLE_FILE.read_text(encoding="utf-8")


def _rows() -> int:
    return db.session.scalar(select(func.count()).select_from(PopulationCount))


def _upload(client, text: str | bytes, source: str = "GUS BDL 2024"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/inclusion/population/import", data={
        "file": (io.BytesIO(data), "ludnosc.csv"), "source": source},
        content_type="multipart/form-data")


def test_example_file_parses_completely(app):
    for name in DEMO_DISTRICTS:
        make_district(name)
    rows, problems = services.parse_population_csv(GOOD, services.district_ids_by_name())
    assert problems == []
    assert len(rows) == len(DEMO_DISTRICTS) * len(AgeBand) * 2
    first = rows[0]
    assert (first.age_band, first.gender, first.count) == (AgeBand.A18_29, Gender.FEMALE, 3260)


def test_staff_import_replaces_the_table_and_is_audited(app, client, auth):
    for name in DEMO_DISTRICTS:
        make_district(name)
    auth.login_as(Role.STAFF)
    response = _upload(client, GOOD)
    assert response.status_code == 303
    assert _rows() == 40
    page = client.get("/inclusion/population").get_data(as_text=True)
    assert "Stare Miasto" in page and "3 260" in page.replace("\u00a0", " ")
    assert "GUS BDL 2024" in page
    # A second good file replaces the first rather than adding to it.
    assert _upload(client, GOOD).status_code == 303
    assert _rows() == 40


def test_windows_1250_export_is_accepted(app, client, auth):
    for name in DEMO_DISTRICTS:
        make_district(name)
    auth.login_as(Role.STAFF)
    response = _upload(client, GOOD.encode("cp1250"))
    assert response.status_code == 303
    assert _rows() == 40


def test_bad_file_is_rejected_whole_with_line_numbers(app, client, auth, in_english):
    districts_with_population()
    before = _rows()
    auth.login_as(Role.STAFF)
    lines = GOOD.splitlines()
    lines[2] = "Stare Miasto;18-29;kobiety;dużo"          # line 3: not a number
    lines[5] = "Atlantyda;30-44;mężczyźni;100"              # line 6: unknown district
    lines[7] = "Stare Miasto;12-17;kobiety;100"             # line 8: not an age band
    response = _upload(client, "\n".join(lines) + "\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 problems. Nothing was imported." in page
    assert "“dużo” is not a whole number of people." in page
    assert "No district is called “Atlantyda”" in page
    assert "“12-17” is not an age band" in page
    for line in ("<th scope=\"row\">3</th>", "<th scope=\"row\">6</th>",
                 "<th scope=\"row\">8</th>"):
        assert line in page
    assert _rows() == before  # the earlier figures are untouched


def test_missing_rows_and_duplicates_are_problems(app):
    for name in DEMO_DISTRICTS:
        make_district(name)
    lines = GOOD.splitlines()
    text = "\n".join([lines[0], lines[1], lines[1]]) + "\n"
    _, problems = services.parse_population_csv(text, services.district_ids_by_name())
    assert [problem.line for problem in problems] == [3]
    _, problems = services.parse_population_csv("\n".join(lines[:3]) + "\n",
                                                services.district_ids_by_name())
    assert len(problems) == 6  # the district lacks six of its eight rows
    _, problems = services.parse_population_csv("a;b\n1;2\n", services.district_ids_by_name())
    assert problems[0].line == 1


def test_problems_in_polish(app, client, auth):
    make_district("Stare Miasto")
    auth.login_as(Role.STAFF)
    page = _upload(client, "district;age_band;gender;count\nStare Miasto;18-29;x;1\n") \
        .get_data(as_text=True)
    assert "Niczego nie zaimportowano" in page
    assert "nie jest płcią" in page


def test_only_staff_import(app, client, auth):
    auth.login_as(Role.RESIDENT)
    assert client.get("/inclusion/population/import").status_code == 403
    assert _upload(client, GOOD).status_code == 403


def test_example_file_is_offered_for_download(app, client):
    response = client.get("/inclusion/population/example.csv")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == GOOD
