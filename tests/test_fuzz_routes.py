"""Random and hostile data to every form and query of the app, as every kind of visitor:
never a 500, and a refused request changes nothing in the database.

Property-based (hypothesis): each example sends one request per route, with the field names of
every form in the app (so real validators run) filled with random text, numbers, dates, hostile
strings or nothing, plus random query strings on GET routes.
"""

from __future__ import annotations

import json
import re

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from tests.access import build_url, routes, url_values
from tests.shared_data import shared_data

BLNS = shared_data("naughty-strings") / "blns.json"
HOSTILE = [
    "", " ", "\x00", "\u202e", "0", "-1", "1e309", "NaN", "99999999999999999999999",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
    "../../etc/passwd", "%s%s%n", "{{7*7}}", "\ud800".encode("utf-8", "surrogatepass").decode(
        "utf-8", "replace"), "ż" * 5000, "2026-02-30", "1900-01-01", "true", "[]", "{}",
]
if BLNS.exists():
    HOSTILE += [s for s in json.loads(BLNS.read_text()) if s][:200]


def form_field_names() -> list[str]:
    """The field names of every form class in the app."""
    import app.accounts.forms  # noqa: F401 - make sure every feature's forms are imported
    from app import create_app  # noqa: F401

    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name in dir(form)
                     if hasattr(getattr(form, name, None), "field_class"))
    names.discard("csrf_token")
    return sorted(names)


value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.dates().map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


REFUSED_MARKERS = ('class="error-summary"', 'aria-invalid="true"')
NAME = re.compile(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"')
QUERY_NAMES = ["page", "q", "sort", "sector", "district", "goal", "status", "seed",
               "consultation", "comments", "per_page", "next"]


def names_on_page(client, url: str) -> list[str]:
    """The field names of the form a POST route's own page shows, if it shows one."""
    response = client.get(url)
    if response.status_code != 200:
        return []
    return sorted(set(NAME.findall(response.get_data(as_text=True))) - {"csrf_token"})


def fuzz_route(client, method: str, url: str, fields: list[str], problems: list[str]) -> None:
    if method == "GET":
        request = st.dictionaries(st.sampled_from(QUERY_NAMES), value, max_size=4)
    else:
        request = st.one_of(
            st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value)),
            st.lists(st.sampled_from(ALL_FIELDS), max_size=6, unique=True).flatmap(
                lambda names: st.fixed_dictionaries(dict.fromkeys(names, value))))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=request)
    def run(data):
        if method == "GET":
            response = client.get(url, query_string=data)
            if response.status_code >= 500:
                problems.append(f"GET {url} {data!r}: {response.status_code}")
            return
        before = counts()
        response = client.post(url, data=data)
        status = response.status_code
        if status >= 500:
            problems.append(f"POST {url} {data!r}: {status}")
            return
        body = response.get_data(as_text=True)
        refused = status >= 400 or any(marker in body for marker in REFUSED_MARKERS)
        after = counts()
        if refused and after != before:
            changed = sorted(k for k, v in after.items() if before.get(k) != v)
            problems.append(f"POST {url} refused ({status}) but changed {changed}: {data!r}")

    run()


EXAMPLES = 3
ALL_FIELDS = form_field_names()


# An administrator passes every moderator and staff check, so these three reach every route.
@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.ADMIN])
def test_no_route_breaks_or_half_writes_on_random_input(role, app, client, auth, users):
    if role is not None:
        auth.login_as(role)
    values = url_values(users)
    with app.test_request_context():
        targets = [(method, build_url(rule, values)) for rule, method in routes(app)
                   if rule.endpoint not in {"accounts.logout", "accounts.delete_account"}]
    problems: list[str] = []
    for method, url in targets:
        fields = names_on_page(client, url) if method == "POST" else []
        fuzz_route(client, method, url, fields, problems)
    assert not problems, "\n".join(problems[:20])
