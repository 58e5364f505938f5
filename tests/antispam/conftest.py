"""Fixtures for the anti-spam tests: the timing check switched on, signed form times from the
past, a consultation open for proposals, a proposal open for comments, and time travel."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.antispam import issue_form_token
from app.discussion.models import Comment
from app.extensions import db
from app.proposals.models import Proposal
from tests.factories import make_consultation, make_goal, make_proposal

MIN_FILL_SECONDS = 3
TOKEN_INPUT = re.compile(r'name="form_started" type="hidden" value="([^"]+)"')


@pytest.fixture
def guarded(app):
    """The minimum fill time switched on (the test configuration turns it off)."""
    app.config["FORM_MIN_FILL_SECONDS"] = MIN_FILL_SECONDS
    return app


@pytest.fixture
def shown_ago(app):
    """A signed note of a form shown `seconds` ago, as a person's browser would send it."""

    def token(seconds: float) -> str:
        return issue_form_token(time.time() - seconds)

    return token


def form_tokens(page: str) -> list[str]:
    """The signed form times on a page, in order."""
    return TOKEN_INPUT.findall(page)


@pytest.fixture
def consultation(app):
    return make_consultation("proposals")


@pytest.fixture
def goal(app):
    return make_goal("1", title="Zielona energia")


@pytest.fixture
def proposal_form(consultation, goal):
    """A complete, valid proposal form; tests add or change fields."""

    def build(**changes) -> dict:
        data = {
            "consultation": str(consultation.id),
            "title": "Zieleń na dachach",
            "body": "Spółdzielnia zakłada zielone dachy na blokach osiedla.",
            "sector": "retrofit",
            "district": "",
            "estimated_cost": "250 000",
            "expected_jobs": "12",
            "goals": [str(goal.id)],
            "coauthors": "",
            "submit_proposal": "y",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return build


@pytest.fixture
def proposer(users):
    return users(Role.RESIDENT, name="Anna Autorka")


@pytest.fixture
def proposal(app, consultation, proposer):
    """A submitted proposal open for comments (its consultation is in the proposals phase)."""
    return make_proposal(consultation, proposer, title="Zielone dachy")


@pytest.fixture
def post_comment(client):
    """POST a comment (or a reply with parent=...) as the signed-in user."""

    def post(proposal, body="Dobry pomysł, popieram.", stance="for", parent=None,
             htmx=False, **extra):
        data = {"body": body, "stance": stance, **extra}
        if parent is not None:
            data["parent_id"] = str(parent.id)
        headers = {"HX-Request": "true"} if htmx else None
        return client.post(f"/proposals/{proposal.id}/comments", data=data, headers=headers)

    return post


@pytest.fixture
def travel():
    """Move everything a user has posted back in time (rather than waiting for it)."""

    def back(user, by: timedelta) -> None:
        for model in (Comment, Proposal):
            for row in db.session.scalars(select(model).where(model.author_id == user.id)):
                row.created_at = row.created_at - by
        db.session.commit()

    return back
