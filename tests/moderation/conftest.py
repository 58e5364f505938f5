"""Fixtures for the moderation tests: a proposal with a comment by residents who are none of
the people signing in, and helpers to report and to act as a moderator."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.factories import make_comment, make_consultation, make_proposal


@pytest.fixture
def proposer(users):
    """The proposal's author."""
    return users(Role.RESIDENT, name="Anna Autorka")


@pytest.fixture
def commenter(users):
    """The author of the reported comment."""
    return users(Role.RESIDENT, name="Karol Komentujący")


@pytest.fixture
def proposal(app, proposer):
    """A submitted proposal in a consultation in its proposals phase today."""
    return make_proposal(make_consultation("proposals"), proposer, title="Zielone dachy")


@pytest.fixture
def comment(proposal, commenter):
    return make_comment(proposal, commenter, body="Tekst, który ktoś zgłosi.")


@pytest.fixture
def report_as(client, auth, users):
    """Sign in as a new resident (or the given user) and report an item; the login stays."""

    def report(kind: str, target_id: int, reason: str = "offensive", details: str = "",
               user=None, **kwargs):
        auth.logout()
        if user is None:
            user = users(Role.RESIDENT)
        response = auth.login(user.email)
        assert response.status_code == 303
        return client.post(f"/moderation/report/{kind}/{target_id}",
                           data={"reason": reason, "details": details}, **kwargs)

    return report


@pytest.fixture
def as_moderator(auth, users):
    """Sign in as a (new) moderator; returns the account."""

    def login(**overrides):
        auth.logout()
        moderator = users(Role.MODERATOR, name="Monika Moderatorka", **overrides)
        assert auth.login(moderator.email).status_code == 303
        return moderator

    return login
