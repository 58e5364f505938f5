"""Posting limits per user: proposals and comments per minute and per 24 hours."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, format_datetime
from sqlalchemy import func, select

from app.accounts.models import Role
from app.admin.services import set_setting
from app.antispam import POSTING_LIMITS, PostingLimitReached, check_posting_limits
from app.db_types import utcnow
from app.discussion.models import Comment
from app.extensions import db
from app.proposals.models import Proposal
from tests.factories import make_comment, make_proposal

MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _settings(**values: int) -> None:
    for key, value in values.items():
        set_setting(key, value)
    db.session.commit()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def english(client):
    client.post("/language", data={"locale": "en"})


# --- comments ------------------------------------------------------------------------------------

def test_comments_per_minute(client, auth, english, proposal, post_comment, travel):
    me = auth.login_as(locale="en")
    for number in range(5):
        assert post_comment(proposal, body=f"Komentarz {number}.").status_code == 303
    response = post_comment(proposal, body="Szósty w tej minucie.", stance="against")
    assert response.status_code == 429
    page = _text(response)
    assert "You can post at most 5 comments per minute." in page
    seconds = int(re.search(r"You can post again in (\d+) seconds\.", page).group(1))
    assert 55 <= seconds <= 60
    assert 55 <= int(response.headers["Retry-After"]) <= 60
    assert "Szósty w tej minucie." in page and 'value="against" required checked' in page
    assert _count(Comment) == 5

    travel(me, by=timedelta(seconds=61))  # a minute later
    assert post_comment(proposal, body="Szósty, minutę później.").status_code == 303
    assert _count(Comment) == 6


def test_comments_per_day(client, auth, proposal, post_comment, travel):
    me = auth.login_as(locale="en")
    for number in range(50):
        make_comment(proposal, me, body=f"Komentarz {number}.")
    travel(me, by=timedelta(hours=23))  # fifty comments, all posted 23 hours ago
    response = post_comment(proposal, body="Pięćdziesiąty pierwszy.")
    assert response.status_code == 429
    page = _text(response)
    assert "You can post at most 50 comments in 24 hours." in page
    oldest = db.session.scalar(select(func.min(Comment.created_at)))
    with force_locale("en"):
        again = re.sub(r"\s+", " ", format_datetime(oldest + DAY, "short"))
    assert f"You can post again on {again}." in page
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert "Pięćdziesiąty pierwszy." in page

    travel(me, by=timedelta(hours=1, seconds=1))  # the oldest leave the 24 hours
    assert post_comment(proposal, body="Pięćdziesiąty pierwszy.").status_code == 303


def test_htmx_comment_at_the_limit_shows_the_message_in_place(client, auth, proposal,
                                                              proposer, post_comment):
    top = make_comment(proposal, proposer)
    me = auth.login_as(locale="en")
    for _number in range(5):
        make_comment(proposal, me)
    response = post_comment(proposal, body="Odpowiedź przez htmx.", parent=top, htmx=True)
    assert response.status_code == 429
    page = _text(response)
    assert "<html" not in page and 'id="discussion"' in page
    reply = page[page.index(f'id="reply-slot-{top.id}"'):]
    reply = reply[:reply.index("</form>")]
    assert "You can post at most 5 comments per minute." in reply
    assert f'id="reply-{top.id}-body"' in reply
    assert "Odpowiedź przez htmx." in page
    assert "Retry-After" in response.headers
    assert _count(Comment) == 6


def test_comment_limit_message_in_polish(client, auth, proposal, post_comment):
    me = auth.login_as(locale="pl")
    for _number in range(5):
        make_comment(proposal, me)
    page = _text(post_comment(proposal, body="Za dużo naraz.", htmx=True))
    assert "W ciągu minuty możesz opublikować najwyżej 5 komentarzy." in page
    assert re.search(r"Znów możesz publikować za \d+ sekund(y|ę)?\.", page)


def test_limits_count_only_ones_own_comments(client, auth, users, proposal, post_comment):
    other = users()
    for _number in range(10):
        make_comment(proposal, other)
    auth.login_as()
    assert post_comment(proposal).status_code == 303


def test_deleted_comments_still_count(client, auth, proposal, post_comment):
    me = auth.login_as()
    for _number in range(5):
        comment = make_comment(proposal, me)
        comment.deleted_at = utcnow()
    db.session.commit()
    assert post_comment(proposal).status_code == 429


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.STAFF, Role.ADMIN])
def test_moderators_staff_and_admins_are_not_limited(client, auth, proposal, post_comment,
                                                     proposal_form, role):
    me = auth.login_as(role)
    for _number in range(60):
        make_comment(proposal, me)
    for _number in range(12):
        make_proposal(proposal.consultation, me)
    assert post_comment(proposal).status_code == 303
    assert client.post("/proposals/new", data=proposal_form()).status_code == 303


# --- proposals -----------------------------------------------------------------------------------

def test_proposals_per_minute(client, auth, proposal_form, travel):
    me = auth.login_as(locale="en")
    assert client.post("/proposals/new", data=proposal_form()).status_code == 303
    assert client.post("/proposals/new", data=proposal_form(
        save_draft="y", submit_proposal=None)).status_code == 303  # drafts count too
    response = client.post("/proposals/new", data=proposal_form(title="Trzecia propozycja"))
    assert response.status_code == 429
    page = _text(response)
    assert "You can post at most 2 proposals per minute." in page
    assert re.search(r"You can post again in \d+ seconds\.", page)
    assert 'value="Trzecia propozycja"' in page
    assert "Spółdzielnia zakłada zielone dachy na blokach osiedla." in page
    assert _count(Proposal) == 2

    travel(me, by=timedelta(seconds=61))
    assert client.post("/proposals/new", data=proposal_form()).status_code == 303


def test_proposals_per_day(client, auth, consultation, proposal_form, travel):
    me = auth.login_as(locale="en")
    for _number in range(10):
        make_proposal(consultation, me)
    travel(me, by=timedelta(hours=2))
    response = client.post("/proposals/new", data=proposal_form())
    assert response.status_code == 429
    assert "You can post at most 10 proposals in 24 hours." in _text(response)
    assert _count(Proposal) == 10

    travel(me, by=timedelta(hours=22, seconds=1))
    assert client.post("/proposals/new", data=proposal_form()).status_code == 303


def test_proposal_limit_message_in_polish(client, auth, consultation, proposal_form):
    me = auth.login_as(locale="pl")
    make_proposal(consultation, me)
    make_proposal(consultation, me)
    page = _text(client.post("/proposals/new", data=proposal_form()))
    assert "Formularz nie został wysłany" in page
    assert "W ciągu minuty możesz zgłosić najwyżej 2 propozycje." in page


def test_editing_a_proposal_is_not_limited(client, auth, consultation, proposal_form):
    me = auth.login_as()
    proposals = [make_proposal(consultation, me) for _number in range(2)]
    response = client.post(f"/proposals/{proposals[0].id}/edit",
                           data=proposal_form(consultation=None, title="Nowy tytuł projektu"))
    assert response.status_code == 303


# --- the settings ---------------------------------------------------------------------------------

def test_administrators_settings_replace_the_defaults(client, auth, proposal, post_comment):
    auth.login_as(locale="en")
    _settings(comments_per_minute=1)
    assert post_comment(proposal).status_code == 303
    response = post_comment(proposal)
    assert response.status_code == 429
    assert "You can post at most 1 comment per minute." in _text(response)

    _settings(comments_per_minute=0, comments_per_day=2)  # 0 turns a limit off
    assert post_comment(proposal).status_code == 303
    response = post_comment(proposal)
    assert "You can post at most 2 comments in 24 hours." in _text(response)
    assert _count(Comment) == 2


def test_the_longest_wait_is_the_one_reported(app, users, proposal):
    me = users()
    for _number in range(50):
        make_comment(proposal, me)
    with app.test_request_context(), pytest.raises(PostingLimitReached) as refusal:
        check_posting_limits(me, "comments", Comment.author_id, Comment.created_at)
    assert refusal.value.limit.key == "comments_per_day"
    assert refusal.value.retry_at > utcnow() + timedelta(hours=23)


@pytest.mark.parametrize("stored", ["many", -1, 2.5, True, None])
def test_unreadable_settings_fall_back_to_the_defaults(app, stored):
    _settings(comments_per_minute=stored)
    with app.test_request_context():
        limit = next(limit for limit in POSTING_LIMITS if limit.key == "comments_per_minute")
        assert limit.value() == 5
