"""Shared data for tests that walk every route: a URL for each endpoint, and who may use it."""

from __future__ import annotations

import importlib

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind, Representation

ANONYMOUS = "anonymous"
UNCONFIRMED = "unconfirmed"
RESIDENT = "resident"
MODERATOR = "moderator"
STAFF = "staff"
ADMIN = "admin"
ROLES = [ANONYMOUS, UNCONFIRMED, RESIDENT, MODERATOR, STAFF, ADMIN]
SIGNED_IN = [UNCONFIRMED, RESIDENT, MODERATOR, STAFF, ADMIN]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, *, anonymous: int = 302, **others: int) -> dict[str, int]:
    return {ANONYMOUS: anonymous, **dict.fromkeys(SIGNED_IN, status), **others}


def at_least(role: str, status: int = 200) -> dict[str, int]:
    """Allowed from `role` up; signed-in people below get 403, anonymous a login redirect."""
    allowed = ROLES[ROLES.index(role):]
    return {r: (status if r in allowed else 403) for r in SIGNED_IN} | {ANONYMOUS: 302}


def anonymous_only(status: int = 200) -> dict[str, int]:
    return {ANONYMOUS: status, **dict.fromkeys(SIGNED_IN, 302)}


# Every (endpoint, method) of the app with the status each kind of visitor gets for a plain
# request (POST: a valid CSRF token and otherwise empty form). A new route fails the walk
# until it is added here or to the TABLE of its feature's tests/<feature>/access.py.
TABLE: dict[tuple[str, str], dict[str, int]] = {
    ("main.home", "GET"): everyone(200),
    ("main.privacy", "GET"): everyone(200),
    ("main.accessibility", "GET"): everyone(200),
    ("main.healthz", "GET"): everyone(200),
    ("main.readyz", "GET"): everyone(200),
    ("main.security_txt", "GET"): everyone(200),
    ("main.set_language", "POST"): everyone(303),
    ("accounts.register", "GET"): anonymous_only(),
    ("accounts.register", "POST"): anonymous_only(),
    ("accounts.check_email", "GET"): everyone(200),
    ("accounts.confirm_email", "GET"): everyone(200),
    ("accounts.confirm_email", "POST"): everyone(303),
    ("accounts.resend_confirmation", "POST"): signed_in(303),
    ("accounts.login", "GET"): anonymous_only(),
    ("accounts.login", "POST"): anonymous_only(),
    ("accounts.logout", "POST"): everyone(303),
    ("accounts.reset_request", "GET"): everyone(200),
    ("accounts.reset_request", "POST"): everyone(200),
    ("accounts.reset_password", "GET"): everyone(303),
    ("accounts.reset_password", "POST"): everyone(303),
    ("accounts.profile", "GET"): signed_in(200),
    ("accounts.profile", "POST"): signed_in(200),
    ("accounts.change_password", "GET"): signed_in(200),
    ("accounts.change_password", "POST"): signed_in(200),
    ("accounts.download_data", "GET"): signed_in(200),
    ("accounts.delete_account", "GET"): signed_in(200),
    ("accounts.delete_account", "POST"): signed_in(200),
    ("organisations.index", "GET"): everyone(200),
    ("organisations.show", "GET"): everyone(200),
    ("organisations.represent", "GET"): signed_in(200, unconfirmed=302),
    ("organisations.represent", "POST"): signed_in(200, unconfirmed=302),
    ("organisations.requests", "GET"): at_least(STAFF),
    ("organisations.decide", "GET"): at_least(STAFF),
    ("organisations.decide", "POST"): at_least(STAFF),
    ("admin.users", "GET"): at_least(ADMIN),
    ("admin.user_role", "GET"): at_least(ADMIN),
    ("admin.user_role", "POST"): at_least(ADMIN),
    ("admin.settings", "GET"): at_least(ADMIN),
    ("admin.settings", "POST"): at_least(ADMIN),
    # Verification: a resident's own PESEL check needs a confirmed address; the census list
    # and verification in person are for city staff. A verified resident gets 200 on the
    # verify page too (tests/accounts/test_verification_views.py).
    ("verification.verify", "GET"): signed_in(200, unconfirmed=302),
    ("verification.verify", "POST"): signed_in(200, unconfirmed=302),
    ("verification.census", "GET"): at_least(STAFF),
    ("verification.census", "POST"): at_least(STAFF),
    ("verification.find_person", "GET"): at_least(STAFF),
    ("verification.in_person", "GET"): at_least(STAFF),
    ("verification.in_person", "POST"): at_least(STAFF),
}

FEATURES = ("consultations", "proposals", "supports", "discussion", "notifications",
            "moderation", "api", "votes", "inclusion", "implementation", "results")


def _feature_tables() -> dict[tuple[str, str], dict[str, int]]:
    merged: dict[tuple[str, str], dict[str, int]] = {}
    for feature in FEATURES:
        try:
            module = importlib.import_module(f"tests.{feature}.access")
        except ModuleNotFoundError:
            continue
        merged.update(module.TABLE)
    return merged


TABLE.update(_feature_tables())

ROLE_OF = {UNCONFIRMED: Role.RESIDENT, RESIDENT: Role.RESIDENT, MODERATOR: Role.MODERATOR,
           STAFF: Role.STAFF, ADMIN: Role.ADMIN}


def url_values(users) -> dict[str, int | str]:
    """Create the rows that routes with parameters need; return values for the URL converters.

    A proposal, comment and the like are written by `other`, a resident who is none of the
    visitors, so "other resident" rules are exercised for every signed-in visitor.
    """
    from tests.factories import (
        make_comment,
        make_consultation,
        make_district,
        make_goal,
        make_indicator,
        make_proposal,
    )

    other = users(Role.RESIDENT)
    organisation = Organisation(name="Fundacja Testowa", kind=OrganisationKind.NGO,
                                approved_at=utcnow())
    db.session.add(organisation)
    db.session.flush()
    request = Representation(organisation_id=organisation.id, user_id=other.id,
                             role_in_organisation="prezes")
    db.session.add(request)
    db.session.commit()
    consultation = make_consultation("proposals")
    goal = make_goal()
    proposal = make_proposal(consultation, other, goals=[goal])
    comment = make_comment(proposal, other)
    values = {"organisation_id": organisation.id, "representation_id": request.id,
              "user_id": other.id, "token": "not-a-valid-token",
              "consultation_id": consultation.id, "goal_id": goal.id,
              "indicator_id": make_indicator(goal).id, "district_id": make_district().id,
              "proposal_id": proposal.id, "comment_id": comment.id, "code": goal.code}
    for feature in FEATURES:
        try:
            module = importlib.import_module(f"tests.{feature}.access")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "extra_url_values"):
            values.update(module.extra_url_values(users, values))
    return values


def build_url(rule, values: dict) -> str:
    from flask import url_for

    return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})


def routes(app):
    """Every (rule, method) of the app except static files."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method
