"""Structured logs: JSON lines with the request id and user id, and no secret ever written."""

from __future__ import annotations

import io
import json
import logging

import pytest

from app.accounts.models import Role
from app.request_log import JsonLines, RequestContext, redact
from tests.access import build_url, routes, url_values
from tests.conftest import PASSWORD

CANARY_PASSWORD = "Canary-Passw0rd-7f3a9c1e-zz"
CANARY_PESEL = "44051401359"
CANARY_TOKEN = "canarytoken0a1b2c3d4e5f60718293a4b5c6d7e8f9"
CANARIES = (CANARY_PASSWORD, CANARY_PESEL, CANARY_TOKEN)


@pytest.fixture
def log_lines():
    """Everything logged at INFO and above during the test, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    handler.addFilter(RequestContext())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "agora.request"]


def test_each_request_is_one_json_line_with_its_id_and_route(client, log_lines):
    response = client.get("/proposals?q=zielen")
    request_id = response.headers["X-Request-ID"]
    (line,) = request_lines(log_lines())
    assert line["request_id"] == request_id
    assert line["method"] == "GET" and line["route"] == "/proposals" and line["status"] == 200
    assert line["level"] == "info" and line["ms"] >= 0 and line["time"].endswith("+00:00")
    assert "zielen" not in json.dumps(line)  # the query string is not logged
    assert "user_id" not in line


def test_a_well_formed_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234-abcd"})
    assert kept.headers["X-Request-ID"] == "proxy-1234-abcd"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"})
    assert replaced.headers["X-Request-ID"] != "<script>x</script>"
    assert len(replaced.headers["X-Request-ID"]) == 32


def test_the_user_id_is_logged_when_signed_in(client, auth, log_lines):
    user = auth.login_as(Role.RESIDENT)
    client.get("/notifications")
    lines = [line for line in request_lines(log_lines()) if line["route"] == "/notifications"]
    assert lines and lines[-1]["user_id"] == user.id


def test_tokens_in_paths_are_logged_as_the_route_pattern(client, log_lines):
    client.get(f"/account/reset/{CANARY_TOKEN}")
    text = json.dumps(log_lines())
    assert CANARY_TOKEN not in text
    assert "/account/reset/<token>" in text


@pytest.mark.parametrize("text, expected", [
    ("PESEL 44051401359 given", "PESEL [redacted] given"),
    ("password=hunter2hunter2 next", "password=[redacted] next"),
    ('token: "abc def"', "token: [redacted]"),
    ("link /confirm/IjEi.Zx9-ab12cd34ef56gh78ij90kl12mn34op56", "link /confirm/[redacted]"),
    ("an ordinary_function_name_that_is_long_enough_here()",
     "an ordinary_function_name_that_is_long_enough_here()"),
    ("12 proposals, 3 comments", "12 proposals, 3 comments"),
])
def test_redaction(text, expected):
    assert redact(text) == expected


def _canary_form() -> dict[str, str]:
    secret_fields = ["password", "new_password", "current_password", "password_confirm",
                     "confirm", "confirm_password", "token", "pesel", "receipt", "code"]
    form = dict.fromkeys(secret_fields, CANARY_PASSWORD)
    form.update(pesel=CANARY_PESEL, token=CANARY_TOKEN, receipt=CANARY_TOKEN,
                email="canary@example.org", body=f"{CANARY_PASSWORD} {CANARY_PESEL}",
                title=CANARY_PESEL, reason=CANARY_PESEL)
    return form


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.ADMIN])
def test_no_canary_secret_reaches_any_log_line(role, app, client, auth, users, log_lines):
    """Every form route gets planted passwords, tokens and PESEL numbers (and every route
    with a token in its path the planted token), as each kind of visitor: none is logged."""
    client.post("/account/login", data={"email": "nobody@example.org",
                                        "password": CANARY_PASSWORD})
    if role is not None:
        auth.login_as(role)
    values = {**url_values(users), "token": CANARY_TOKEN}
    with app.test_request_context():
        urls = [(method, build_url(rule, values)) for rule, method in routes(app)
                if rule.endpoint != "accounts.logout"]
    for method, url in urls:
        client.open(url, method=method, data=_canary_form() if method == "POST" else None)
    client.post("/account/login", data={"email": "x@example.org", "password": PASSWORD})
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert request_lines(log_lines()), "nothing was logged: the check would prove nothing"
    for canary in CANARIES:
        assert canary not in text, f"{canary} was written to the log"
