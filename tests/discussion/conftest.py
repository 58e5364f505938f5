"""Fixtures for the discussion's tests: a proposal by another resident, open for comments."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.factories import make_consultation, make_proposal


@pytest.fixture
def proposer(users):
    """The proposal's author, who is none of the people signing in."""
    return users(Role.RESIDENT, name="Anna Autorka")


@pytest.fixture
def proposal(app, proposer):
    """A submitted proposal in a consultation in its proposals phase today."""
    return make_proposal(make_consultation("proposals"), proposer, title="Zielone dachy")


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



@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read English text."""
    yield
