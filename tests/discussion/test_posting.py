"""Posting comments and replies: validation, depth, phases, who may post, htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.accounts.models import Role
from app.db_types import utcnow
from app.discussion.models import MAX_DEPTH, Comment, Stance
from app.extensions import db
from app.notifications.models import Follow
from app.proposals.models import Proposal, ProposalStatus
from tests.factories import make_comment, make_consultation, make_proposal


def _comments() -> list[Comment]:
    return list(db.session.scalars(select(Comment).order_by(Comment.id)))


def _count(proposal: Proposal) -> int:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id).comment_count


def test_post_a_comment(client, auth, proposal, post_comment):
    me = auth.login_as(name="Bartek")
    response = post_comment(proposal, body="Świetny projekt.\nDruga linia.", stance="against")
    assert response.status_code == 303
    [comment] = _comments()
    assert response.headers["Location"].endswith(
        f"/proposals/{proposal.id}#comment-{comment.id}")
    assert comment.author_id == me.id and comment.depth == 0 and comment.parent_id is None
    assert comment.stance is Stance.AGAINST
    assert comment.body == "Świetny projekt.\nDruga linia."
    assert _count(proposal) == 1
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'id="comment-{comment.id}"' in page
    assert "Świetny projekt.\nDruga linia." in page  # line breaks kept (CSS pre-line)
    assert "Bartek" in page


def test_body_is_escaped_never_markup(client, auth, proposal, post_comment):
    auth.login_as()
    post_comment(proposal, body='<script>alert(1)</script> <b>gruby</b> **md**')
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<b>gruby" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;gruby&lt;/b&gt; **md**" in page


def test_line_endings_are_normalised_and_space_trimmed(auth, proposal, post_comment):
    auth.login_as()
    post_comment(proposal, body="  pierwsza\r\ndruga\r\n  ")
    assert _comments()[0].body == "pierwsza\ndruga"


@pytest.mark.parametrize("body, message", [
    ("", "Write your comment."),
    ("   \n ", "Write your comment."),
    ("x", "at least 2 characters"),
    ("x" * 5001, "at most 5000 characters; yours has 5001"),
])
def test_bad_bodies_are_refused_and_nothing_is_lost(client, auth, proposal, post_comment,
                                                      body, message):
    auth.login_as()
    response = post_comment(proposal, body=body, stance="neutral")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'value="neutral" required checked' in page  # the stance chosen stays
    if body.strip():
        assert body.strip() in page  # the text typed stays
    assert _comments() == [] and _count(proposal) == 0


def test_longest_body_is_accepted(auth, proposal, post_comment):
    auth.login_as()
    assert post_comment(proposal, body="x" * 5000).status_code == 303
    assert len(_comments()[0].body) == 5000


@pytest.mark.parametrize("stance", ["", "maybe", "FOR"])
def test_stance_is_required_and_allow_listed(client, auth, proposal, post_comment, stance):
    auth.login_as()
    response = post_comment(proposal, body="Mam zdanie, ale jakie?", stance=stance)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose whether you are for, against or neutral." in page
    assert "Mam zdanie, ale jakie?" in page
    assert _comments() == []


def test_reply_gets_depth_and_parent(auth, proposal, proposer, post_comment):
    top = make_comment(proposal, proposer)
    auth.login_as()
    response = post_comment(proposal, body="Odpowiadam.", stance="neutral", parent=top)
    assert response.status_code == 303
    reply = _comments()[-1]
    assert reply.parent_id == top.id and reply.depth == 1
    assert response.headers["Location"].endswith(f"#comment-{reply.id}")
    assert _count(proposal) == 2


def test_replies_stop_at_the_maximum_depth(client, auth, proposal, proposer, post_comment):
    chain = [make_comment(proposal, proposer)]
    while chain[-1].depth < MAX_DEPTH:
        chain.append(make_comment(proposal, proposer, parent=chain[-1]))
    auth.login_as()
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    for comment in chain[:-1]:
        assert f'href="/comments/{comment.id}/reply' in page
    assert f'href="/comments/{chain[-1].id}/reply' not in page  # no reply offered that deep
    assert client.get(f"/comments/{chain[-1].id}/reply").status_code == 403

    response = post_comment(proposal, body="Za głęboko.", parent=chain[-1])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Replies can go only 3 levels deep" in page
    assert "Za głęboko." in page
    assert 'name="parent_id"' not in page  # offered as a new comment instead
    assert len(_comments()) == MAX_DEPTH + 1

    assert post_comment(proposal, body="Na końcu.", parent=chain[-2]).status_code == 303
    assert _comments()[-1].depth == MAX_DEPTH


def test_reply_to_a_comment_elsewhere_or_deleted_is_refused(auth, proposal, proposer,
                                                             post_comment):
    other_proposal = make_proposal(make_consultation("proposals"), proposer)
    elsewhere = make_comment(other_proposal, proposer)
    deleted = make_comment(proposal, proposer)
    deleted.deleted_at = deleted.created_at
    db.session.commit()
    auth.login_as()
    response = post_comment(proposal, body="Odpowiedź.", parent=elsewhere)
    assert "The comment you replied to was not found." in response.get_data(as_text=True)
    response = post_comment(proposal, body="Odpowiedź.", parent=deleted)
    assert "The comment you replied to was deleted." in response.get_data(as_text=True)
    response = post_comment(proposal, body="Odpowiedź.", parent_id="abc")
    assert response.status_code == 200
    assert len(_comments()) == 2


@pytest.mark.parametrize("phase", ["proposals", "review", "deliberation"])
def test_comments_are_open_in_the_discussion_phases(auth, proposer, post_comment, phase):
    proposal = make_proposal(make_consultation(phase), proposer)
    auth.login_as()
    assert post_comment(proposal).status_code == 303


@pytest.mark.parametrize("phase", ["upcoming", "voting", "results"])
def test_comments_are_closed_in_other_phases(client, auth, proposer, post_comment, phase):
    proposal = make_proposal(make_consultation(phase), proposer)
    make_comment(proposal, proposer, body="Stary komentarz.")
    auth.login_as()
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "Stary komentarz." in page  # reading is always open
    assert "The discussion of this proposal is closed." in page
    assert 'name="body"' not in page
    response = post_comment(proposal, body="Spóźniony głos.")
    assert response.status_code == 403
    assert "The discussion of this proposal is closed." in response.get_data(as_text=True)
    assert "Spóźniony głos." in response.get_data(as_text=True)
    assert len(_comments()) == 1


def test_phase_follows_todays_date(auth, proposal, post_comment, monkeypatch):
    auth.login_as()
    voting_day = proposal.consultation.voting_from
    monkeypatch.setattr(clock, "today", lambda: voting_day)
    assert post_comment(proposal).status_code == 403
    monkeypatch.setattr(clock, "today", lambda: voting_day - timedelta(days=1))
    assert post_comment(proposal).status_code == 303
    assert clock.today() == voting_day - timedelta(days=1)  # patched, not the real one


@pytest.mark.parametrize("status", [ProposalStatus.WITHDRAWN])
def test_withdrawn_proposals_take_no_comments(auth, proposer, post_comment, status):
    proposal = make_proposal(make_consultation("proposals"), proposer, status=status)
    auth.login_as()
    assert post_comment(proposal).status_code == 403


def test_drafts_are_hidden_from_others(client, auth, proposer, post_comment):
    draft = make_proposal(make_consultation("proposals"), proposer,
                          status=ProposalStatus.DRAFT)
    auth.login_as()
    assert client.get(f"/proposals/{draft.id}/comments").status_code == 404
    assert post_comment(draft).status_code == 404


def test_unconfirmed_and_anonymous_cannot_post(client, auth, proposal, post_comment):
    response = post_comment(proposal)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "to take part in the discussion." in page and 'name="body"' not in page

    auth.login_as(confirmed=False)
    response = post_comment(proposal)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
    assert post_comment(proposal, htmx=True).status_code == 403
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "Confirm your email address to take part in the discussion." in page
    assert 'name="body"' not in page
    assert _comments() == []


def test_commenting_follows_the_proposal(auth, proposal, post_comment):
    me = auth.login_as()
    post_comment(proposal)
    post_comment(proposal, body="Jeszcze raz.")
    follows = list(db.session.scalars(select(Follow)))
    assert [(f.user_id, f.proposal_id) for f in follows] == [(me.id, proposal.id)]


def test_htmx_post_returns_the_updated_section(client, auth, proposal, post_comment):
    auth.login_as()
    response = post_comment(proposal, body="Przez htmx.", stance="for", htmx=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" not in page
    assert 'id="discussion"' in page and "Przez htmx." in page
    assert "Your comment is posted." in page
    comment = _comments()[0]
    assert response.headers["HX-Reswap"] == f"outerHTML show:#comment-{comment.id}:top"
    assert "1 comment" in page


def test_htmx_reply_with_errors_reopens_that_reply_form(client, auth, proposal, proposer,
                                                        post_comment):
    top = make_comment(proposal, proposer)
    auth.login_as()
    response = post_comment(proposal, body="?", stance="for", parent=top, htmx=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    slot = page[page.index(f'id="reply-slot-{top.id}"'):]
    assert slot.index("<form") < slot.index("</div>")  # the form is in place, not a link
    assert f'id="reply-{top.id}-body-error"' in page
    assert ">?</textarea>" in page
    assert 'id="comment-new-body-error"' not in page
    assert len(_comments()) == 1


def test_the_reply_form_comes_when_asked_for(client, auth, proposal, proposer):
    """Each comment offers a link, not a form: a page of its own without JavaScript, the form
    alone in place with htmx."""
    top = make_comment(proposal, proposer)
    auth.login_as()
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert f'id="reply-{top.id}-body"' not in page
    assert f'href="/comments/{top.id}/reply?comments=oldest"' in page
    assert f'hx-target="#reply-slot-{top.id}"' in page

    response = client.get(f"/comments/{top.id}/reply")
    assert response.status_code == 200
    own_page = response.get_data(as_text=True)
    assert "<h1>Reply to a comment</h1>" in own_page and "<html" in own_page
    assert f'name="parent_id" value="{top.id}"' in own_page
    assert f'action="/proposals/{proposal.id}/comments"' in own_page

    fragment = client.get(f"/comments/{top.id}/reply?comments=best",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith("<form")
    assert f'id="reply-{top.id}-body"' in fragment and f'for="reply-{top.id}-body"' in fragment
    assert " autofocus " in fragment
    assert f'name="parent_id" value="{top.id}"' in fragment
    assert 'name="comments" value="best"' in fragment
    assert 'name="website"' in fragment  # the anti-spam fields come with it


def test_the_reply_form_says_why_when_replying_is_not_possible(client, auth, proposal, proposer):
    top = make_comment(proposal, proposer)
    auth.login_as()
    proposal.discussion_locked_at = utcnow()
    proposal.discussion_lock_reason = "Przerwa na ochłonięcie."
    db.session.commit()
    response = client.get(f"/comments/{top.id}/reply")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}#comment-{top.id}")
    fragment = client.get(f"/comments/{top.id}/reply",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "A moderator locked this discussion: Przerwa na ochłonięcie." in fragment
    assert "<form" not in fragment


def test_the_reply_form_needs_a_signed_in_resident(client, proposal, proposer):
    top = make_comment(proposal, proposer)
    response = client.get(f"/comments/{top.id}/reply")
    assert response.status_code in (302, 303)
    assert "/account/login" in response.headers["Location"]
    assert client.get("/comments/999999/reply").status_code in (302, 303)


def test_comment_counts_stay_right(auth, proposal, post_comment, users):
    auth.login_as()
    for n in range(3):
        post_comment(proposal, body=f"Komentarz {n}")
    assert _count(proposal) == 3
    assert db.session.scalar(select(func.count(Comment.id))) == 3


def test_staff_and_moderators_may_comment_as_residents(auth, proposal, post_comment):
    auth.login_as(Role.STAFF)
    assert post_comment(proposal).status_code == 303
