"""Indicator CSV import: the pure parser, then the page that checks a whole file and imports it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.consultations import services
from app.consultations.models import Indicator, IndicatorValue
from app.consultations.services import parse_indicator_csv, parse_number
from app.extensions import db
from tests.factories import make_goal, make_indicator
from tests.moderation.helpers import audit_actions, audit_entries

HEADER = "goal_code,name,unit,source,baseline,baseline_year,target,target_year,2020,2021"


def _problems(text: str, known=None) -> list[tuple[int, int | None, str]]:
    _rows, problems = parse_indicator_csv(text, known)
    return [(p.line, p.column, p.text) for p in problems]


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("12,5", Decimal("12.5")), ("12.5", Decimal("12.5")), (" 1 250 ", Decimal("1250")),
    ("1\u00a0250,75", Decimal("1250.75")), ("12\u202f000", Decimal("12000")),
    ("-3", Decimal("-3")), ("+4.0", Decimal("4.0")), ("0", Decimal("0")), ("", None),
    ("  ", None),
])
def test_numbers_as_people_write_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["1.234,5", "12,5,3", "abc", "1e5", "12 34", "NaN", "1 2345",
                                  ",5", "5,", "--1", "Infinity"])
def test_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_delimiter_is_sniffed_from_the_header():
    assert services.sniff_delimiter("a;b;c") == ";"
    assert services.sniff_delimiter("a,b,c") == ","
    assert services.sniff_delimiter("a;b,c;d") == ";"


# -- the parser ----------------------------------------------------------------------------


def test_a_comma_separated_file(app):
    rows, problems = parse_indicator_csv(
        f"{HEADER}\n"
        "1,Bezrobocie,%,GUS BDL,8.4,2020,5,2030,8.4,7.9\n"
        '2,"Moc OZE, łącznie",kW,Urząd,,,,,,1250\n', {"1", "2"})
    assert problems == []
    assert [(r.line, r.goal_code, r.name) for r in rows] == [
        (2, "1", "Bezrobocie"), (3, "2", "Moc OZE, łącznie")]
    first, second = rows
    assert first.baseline == Decimal("8.4") and first.baseline_year == 2020
    assert first.target == Decimal("5") and first.target_year == 2030
    assert first.values == {2020: Decimal("8.4"), 2021: Decimal("7.9")}
    assert second.baseline is None and second.target_year is None
    assert second.values == {2021: Decimal("1250")}


def test_a_semicolon_file_with_bom_decimal_commas_and_spaces(app):
    text = ("\ufeffgoal_code;name;unit;source;baseline;baseline_year;target;target_year;2022\r\n"
            "2.3;Powierzchnia terenów;ha;Geoportal;1 250,5;2021;2 000;2030;1\u00a0300,25\r\n"
            "\r\n"
            ";;;;;;;;\r\n")
    rows, problems = parse_indicator_csv(text, {"2.3"})
    assert problems == []
    assert len(rows) == 1
    assert rows[0].baseline == Decimal("1250.5") and rows[0].target == Decimal("2000")
    assert rows[0].values == {2022: Decimal("1300.25")}


def test_any_number_of_year_columns_and_trailing_empty_columns(app):
    rows, problems = parse_indicator_csv(
        "goal_code,name,unit,source,baseline,baseline_year,target,target_year,\n"
        "1,A,%,S,,,,,\n")
    assert problems == [] and rows[0].values == {}
    many = ",".join(str(year) for year in range(1990, 2031))
    rows, problems = parse_indicator_csv(
        f"goal_code,name,unit,source,baseline,baseline_year,target,target_year,{many}\n"
        "1,A,%,S,,,,," + ",".join(str(n) for n in range(41)) + "\n")
    assert problems == [] and len(rows[0].values) == 41 and rows[0].values[2030] == 40


def test_the_header_is_checked(app):
    assert _problems("") == [(1, None, "The file is empty.")]
    assert _problems("goal_code,name\n1,A\n")[0][:2] == (1, None)
    wrong = _problems("goal,name,jednostka,source,baseline,baseline_year,target,target_year,"
                      "1850,20x0,2020,2020,\n")
    assert [(line, column) for line, column, _ in wrong] == [(1, 1), (1, 3), (1, 9), (1, 10),
                                                             (1, 12)]
    assert 'This column must be called “goal_code”.' in wrong[0][2]
    assert "not a year from 1900 to 2100" in wrong[2][2]
    assert "This year appears twice." in wrong[4][2]
    gap = _problems("goal_code,name,unit,source,baseline,baseline_year,target,target_year,,2020\n")
    assert gap == [(1, 9, "Name this column with a year, like 2021.")]


def test_a_file_with_a_header_only_has_no_indicators(app):
    assert _problems(HEADER + "\n\n") == [(2, None, "The file has no indicators.")]


def test_every_problem_is_reported_with_line_and_column(app):
    text = (f"{HEADER}\n"
            "1,Bezrobocie,%,GUS,8.4,2020,5,2030,8.4,7.9\n"          # line 2: fine
            "9,Nieznany cel,%,GUS,,,,,,\n"                           # 3: unknown goal
            "1,,,,,,,,,\n"                                           # 4: name, unit, source
            '1,Liczba,szt.,KRS,abc,1850,12.5,2200,"1,234.5",5\n'     # 5: numbers and years
            "1,Bezrobocie,%,GUS,,,,,,\n"                             # 6: duplicate name
            "1,Za krótki,%\n"                                        # 7: too few values
            "1,Bez roku,%,GUS,5,,,2030,,\n"                          # 8: pairs incomplete
            "2,Bezrobocie,%,GUS,,,,,,\n")                            # 9: other goal: fine
    problems = _problems(text, {"1", "2"})
    where = [(line, column) for line, column, _ in problems]
    assert where == [(3, 1), (4, 2), (4, 3), (4, 4), (5, 5), (5, 6), (5, 8), (5, 9), (6, 2),
                     (7, None), (8, 6), (8, 7)]
    messages = dict(((line, column), message) for line, column, message in problems)
    assert messages[(3, 1)] == "No goal or objective has the code “9”."
    assert messages[(4, 2)] == "This value is required."
    assert messages[(5, 5)] == "“abc” is not a number. Write numbers like 1 250 or 12,5."
    assert messages[(5, 6)] == "“1850” is not a year from 1900 to 2100."
    assert messages[(5, 9)].startswith("“1,234.5” is not a number")
    assert messages[(6, 2)] == \
        "This goal already has an indicator with this name on line 2."
    assert messages[(7, None)] == "This line has 3 values, the header has 10 columns."
    assert messages[(8, 6)] == "Give the year of this value."
    assert messages[(8, 7)] == "Give the value for this year, or leave the year empty."


def test_lengths_precision_and_size_of_values(app):
    long_name = "n" * 301
    problems = _problems(f"{HEADER}\n1,{long_name},{'u' * 51},S,1.23456,2020,"
                         "123456789012345,2030,,\n")
    assert [(line, column) for line, column, _ in problems] == [(2, 2), (2, 3), (2, 5), (2, 7)]
    assert "at most 4 digits" in problems[2][2]
    assert problems[3][2] == "This number is too large."


def test_without_known_codes_any_code_passes(app):
    rows, problems = parse_indicator_csv(f"{HEADER}\n99,A,%,S,,,,,,\n")
    assert problems == [] and rows[0].goal_code == "99"


def test_line_numbers_follow_quoted_line_breaks(app):
    problems = _problems(f'{HEADER}\n1,"Nazwa\nw dwóch liniach",%,S,,,,,,\n1,B,%,,,,,,,\n')
    assert problems == [(4, 4, "This value is required.")]


def test_an_unclosed_quote_is_reported(app):
    problems = _problems(f'{HEADER}\n1,"A,%,S,,,,,,\n1,B,%,S,,,,,,\n')
    assert problems and problems[0][0] == 2


def test_too_many_rows(app):
    line = "1,A{},%,S,,,,,,\n"
    text = HEADER + "\n" + "".join(line.format(n) for n in range(services.MAX_IMPORT_ROWS + 1))
    _rows, problems = parse_indicator_csv(text)
    assert [(p.line, p.text) for p in problems] == [
        (services.MAX_IMPORT_ROWS + 2,
         "The file has more than 5000 rows. Split it into smaller files.")]


# -- the import page -----------------------------------------------------------------------


def _upload(client, content: str | bytes, name="wskazniki.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/strategy/indicators/import",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def staff(auth):
    return auth.login_as(Role.STAFF)


def test_the_page_documents_the_format(client, staff):
    page = client.get("/strategy/indicators/import").get_data(as_text=True)
    assert "goal_code;name;unit;source;baseline;baseline_year;target;target_year;2021" in page
    assert 'enctype="multipart/form-data"' in page
    assert "the unit, like %, people or kW" in page


def test_import_creates_then_updates_indicators(client, staff):
    goal = make_goal("1")
    objective = make_goal("1.2", parent=goal)
    response = _upload(client, (
        "\ufeffgoal_code;name;unit;source;baseline;baseline_year;target;target_year;2021;2022\n"
        "1;Bezrobocie;%;GUS BDL;8,4;2021;5;2030;8,4;7,9\n"
        "1.2;Spółdzielnie socjalne;szt.;KRS;;;;;3;\n"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/strategy"
    page = client.get("/strategy").get_data(as_text=True)
    assert "Imported: 2 indicators created, 0 updated, 3 yearly values saved." in page
    unemployment = db.session.scalar(select(Indicator).where(Indicator.goal_id == goal.id))
    assert unemployment.baseline == Decimal("8.4") and unemployment.source == "GUS BDL"
    assert db.session.scalar(select(Indicator).where(Indicator.goal_id == objective.id)).unit \
        == "szt."

    response = _upload(client, (
        "goal_code,name,unit,source,baseline,baseline_year,target,target_year,2022,2023\n"
        "1,Bezrobocie,%,GUS BDL tabl. 2,8.4,2021,4.5,2030,7.7,\n"
        "1,Nowy wskaźnik,osoby,Urząd,,,,,,100\n"))
    assert response.status_code == 303
    assert "Imported: 1 indicators created, 1 updated, 2 yearly values saved." in \
        client.get("/strategy").get_data(as_text=True)
    db.session.refresh(unemployment)
    assert unemployment.target == Decimal("4.5") and unemployment.source == "GUS BDL tabl. 2"
    values = dict(db.session.execute(
        select(IndicatorValue.year, IndicatorValue.value)
        .where(IndicatorValue.indicator_id == unemployment.id)).all())
    assert values == {2021: Decimal("8.4"), 2022: Decimal("7.7")}  # 2021 kept, 2022 replaced
    assert _count(Indicator) == 3 and _count(IndicatorValue) == 4
    assert [(e.action, e.target_type, e.actor_id, e.details) for e in audit_entries()] == [
        ("indicator.import", "strategy", staff.id, {"created": 2, "updated": 0, "values": 3}),
        ("indicator.import", "strategy", staff.id, {"created": 1, "updated": 1, "values": 2}),
    ]


def test_a_file_with_one_bad_line_imports_nothing(client, staff):
    goal = make_goal("1")
    existing = make_indicator(goal, name="Bezrobocie", unit="%")
    response = _upload(client, (
        f"{HEADER}\n"
        "1,Bezrobocie,proc.,GUS,,,,,5,6\n"
        "1,Nowy,%,GUS,,,,,1,2\n"
        "1,Zepsuty,%,GUS,,,,,1,dużo\n"
        "1,Jeszcze jeden,%,GUS,,,,,1,2\n"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The file has 1 problem. Nothing was imported." in page
    assert '<th scope="row">4</th>' in page and "10 (2021)" in page
    assert "“dużo” is not a number." in page
    assert _count(Indicator) == 1 and _count(IndicatorValue) == 0
    db.session.refresh(existing)
    assert existing.unit == "%"
    assert audit_actions() == []


def test_problems_quoting_the_file_are_escaped(client, staff):
    make_goal("1")
    response = _upload(client, f"{HEADER}\n<script>alert(1)</script>,A,%,S,,,,,<b>x</b>,\n")
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>x</b>" not in page


def test_a_wrong_header_is_reported(client, staff):
    response = _upload(client, "kod;nazwa\n1;A\n")
    assert response.status_code == 200
    assert "The first line must name the columns goal_code,name,unit" in \
        response.get_data(as_text=True)


@pytest.mark.parametrize(("content", "message"), [
    ("Bezrobocie w województwie śląskim".encode("cp1250"), "The file is not UTF-8 text."),
    (b"x" * 2001, "The file is larger than 1 MB."),
])
def test_unreadable_or_large_files_are_refused(client, staff, monkeypatch, content, message):
    assert services.MAX_IMPORT_BYTES == 1024 * 1024
    # A smaller limit for the test: the test client leaks a temporary file for large bodies.
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 2000)
    response = _upload(client, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_a_file_is_required(client, staff):
    response = client.post("/strategy/indicators/import", data={})
    assert response.status_code == 200
    assert "Choose a CSV file to import." in response.get_data(as_text=True)


def test_an_import_racing_a_deleted_goal_imports_nothing(client, staff, monkeypatch):
    goal = make_goal("1")
    monkeypatch.setattr(services, "known_goal_codes", lambda: {"1", "2"})
    response = _upload(client, f"{HEADER}\n1,A,%,S,,,,,1,2\n2,B,%,S,,,,,,\n")
    assert response.status_code == 200
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert _count(Indicator) == 0
    assert goal.code == "1"
    assert audit_actions() == []


def test_messages_follow_the_language(client, staff):
    make_goal("1")
    client.post("/language", data={"locale": "pl"})
    response = _upload(client, f"{HEADER}\n1,A,%,S,,,,,x,\n")
    assert '<html lang="pl">' in response.get_data(as_text=True)
    problems = services.parse_indicator_csv(f"{HEADER}\n1,A,%,S,,,,,x,\n")[1]
    from flask_babel import force_locale

    with force_locale("en"):
        assert problems[0].text.startswith("“x” is not a number")


def test_the_example_on_the_page_is_a_valid_file(app):
    rows, problems = parse_indicator_csv(services.EXAMPLE_CSV, {"1", "1.2", "2"})
    assert problems == []
    assert [row.goal_code for row in rows] == ["1", "1.2", "2"]
    assert rows[2].values == {2021: Decimal("1250"), 2022: Decimal("2980"),
                              2023: Decimal("4410")}
