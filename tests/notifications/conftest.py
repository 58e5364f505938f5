"""Fixtures for the notifications' tests: a proposal open for comments, and its author."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.factories import make_consultation, make_proposal


@pytest.fixture
def proposer(users):
    return users(Role.RESIDENT, name="Anna Autorka", locale="en")


@pytest.fixture
def proposal(app, proposer):
    return make_proposal(make_consultation("proposals"), proposer, title="Zielone dachy")


@pytest.fixture
def comment_as(client, auth):
    """Sign in as `user` and post a comment (or a reply) on the proposal."""

    def post(user, proposal, body="Mój komentarz.", parent=None):
        auth.logout()
        assert auth.login(user.email).status_code == 303
        data = {"body": body, "stance": "for"}
        if parent is not None:
            data["parent_id"] = str(parent.id)
        response = client.post(f"/proposals/{proposal.id}/comments", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        return response

    return post


@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read English text."""
    yield
