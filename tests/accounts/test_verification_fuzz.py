"""Random input never breaks the census parser or the verify form, and never comes back."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.verification.services import parse_census_csv

FIXTURES = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
_LONG_NUMBER = re.compile(r"\d{6,}")
_CELL = st.one_of(st.text(max_size=14), st.from_regex(r"\d{9,12}", fullmatch=True))
_LINES = st.lists(st.lists(_CELL, min_size=1, max_size=4).map(";".join), max_size=8)


@FIXTURES
@given(lines=_LINES)
def test_the_parser_never_fails_and_never_quotes_a_number(app, lines):
    text = "pesel;district;birth_year\n" + "\n".join(lines)
    rows, problems = parse_census_csv(text, {"stare miasto": 1}, key="fuzz")
    assert len(rows) <= len(lines)
    for problem in problems:
        assert problem.line >= 1
        assert not _LONG_NUMBER.search(problem.text), problem.text


@FIXTURES
@given(typed=st.one_of(st.text(max_size=40), st.from_regex(r"[\d ]{8,14}", fullmatch=True)))
def test_the_verify_form_answers_anything_without_echoing_it(app, client, auth, typed):
    app.config["VERIFY_LIMIT_PER_ACCOUNT"] = app.config["VERIFY_LIMIT_PER_IP"] = "100000/hour"
    if not getattr(client, "signed_in", False):
        auth.login_as()
        client.signed_in = True
    response = client.post("/account/verify", data={"pesel": typed})
    assert response.status_code == 200
    digits = "".join(typed.split())
    if len(digits) >= 6:
        assert digits not in response.get_data(as_text=True)
