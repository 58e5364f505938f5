"""Up-votes, editing and deleting comments: who may, what changes, htmx fragments."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.db_types import utcnow
from app.discussion.models import Comment, CommentVote, Stance
from app.extensions import db
from app.proposals.models import Proposal
from tests.factories import make_comment


def _fresh(comment: Comment) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment.id)


def _votes() -> int:
    return db.session.scalar(select(func.count(CommentVote.id)))


# -- up-votes ---------------------------------------------------------------------------------

def test_upvote_and_withdraw(client, auth, proposal, proposer):
    comment = make_comment(proposal, proposer)
    auth.login_as()
    url = f"/comments/{comment.id}/upvote"
    response = client.post(url, data={"vote": "add"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}#comment-{comment.id}")
    assert _fresh(comment).upvote_count == 1 and _votes() == 1
    client.post(url, data={"vote": "add"})  # a double click changes nothing
    assert _fresh(comment).upvote_count == 1 and _votes() == 1
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert 'aria-pressed="true"' in page and 'name="vote" value="remove"' in page
    client.post(url, data={"vote": "remove"})
    assert _fresh(comment).upvote_count == 0 and _votes() == 0
    client.post(url, data={"vote": "remove"})
    assert _fresh(comment).upvote_count == 0
    client.post(url, data={})  # an empty form changes nothing
    assert _fresh(comment).upvote_count == 0 and _votes() == 0


def test_upvotes_from_several_people_add_up(client, auth, proposal, proposer):
    comment = make_comment(proposal, proposer)
    for _ in range(3):
        auth.login_as()
        client.post(f"/comments/{comment.id}/upvote", data={"vote": "add"})
        auth.logout()
    assert _fresh(comment).upvote_count == 3
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "3 up-votes" in page  # shown, without a button, to visitors


def test_upvote_with_htmx_returns_the_button(client, auth, proposal, proposer):
    comment = make_comment(proposal, proposer)
    auth.login_as()
    response = client.post(f"/comments/{comment.id}/upvote", data={"vote": "add"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert fragment.lstrip().startswith(f'<div id="upvote-{comment.id}"')
    assert 'aria-pressed="true"' in fragment and "(1)" in fragment
    assert 'aria-live="polite"' in fragment


def test_no_upvote_on_own_or_deleted_comments(client, auth, proposal, proposer):
    me = auth.login_as()
    mine = make_comment(proposal, me)
    assert client.post(f"/comments/{mine.id}/upvote", data={"vote": "add"}).status_code == 403
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert f'action="/comments/{mine.id}/upvote"' not in page
    deleted = make_comment(proposal, proposer)
    deleted.deleted_at = utcnow()
    db.session.commit()
    assert client.post(f"/comments/{deleted.id}/upvote",
                       data={"vote": "add"}).status_code == 403
    assert _votes() == 0


def test_unconfirmed_and_anonymous_cannot_upvote(client, auth, proposal, proposer):
    comment = make_comment(proposal, proposer)
    assert client.post(f"/comments/{comment.id}/upvote", data={"vote": "add"}).status_code == 302
    auth.login_as(confirmed=False)
    assert client.post(f"/comments/{comment.id}/upvote", data={"vote": "add"},
                       headers={"HX-Request": "true"}).status_code == 403
    assert _votes() == 0


def test_upvote_on_a_missing_comment(client, auth):
    auth.login_as()
    assert client.post("/comments/999/upvote", data={"vote": "add"}).status_code == 404


# -- editing ----------------------------------------------------------------------------------

def test_author_edits_a_comment(client, auth, proposal):
    me = auth.login_as()
    comment = make_comment(proposal, me, body="Pierwsza wersja.", stance=Stance.FOR)
    page = client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    assert "Pierwsza wersja." in page and 'value="for" required checked' in page
    response = client.post(f"/comments/{comment.id}/edit",
                           data={"body": "Druga wersja.", "stance": "neutral"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    comment = _fresh(comment)
    assert comment.body == "Druga wersja." and comment.stance is Stance.NEUTRAL
    assert comment.edited_at is not None
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert '<span class="comment-edited">edited <time datetime="' in page


def test_saving_without_changes_does_not_mark_edited(client, auth, proposal):
    me = auth.login_as()
    comment = make_comment(proposal, me, body="Bez zmian.", stance=Stance.FOR)
    client.post(f"/comments/{comment.id}/edit", data={"body": "Bez zmian.", "stance": "for"})
    assert _fresh(comment).edited_at is None


def test_edit_with_bad_input_keeps_the_text(client, auth, proposal):
    me = auth.login_as()
    comment = make_comment(proposal, me, body="Oryginał.")
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "x", "stance": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "at least 2 characters" in page and "Choose whether you are for" in page
    assert _fresh(comment).body == "Oryginał." and _fresh(comment).edited_at is None


def test_only_the_author_may_edit_or_delete(client, auth, proposal, proposer):
    comment = make_comment(proposal, proposer, body="Nie twoje.")
    for role in (Role.RESIDENT, Role.MODERATOR, Role.ADMIN):
        auth.login_as(role)
        for action in ("edit", "delete"):
            assert client.get(f"/comments/{comment.id}/{action}").status_code == 403
        assert client.post(f"/comments/{comment.id}/edit",
                           data={"body": "Zmienione.", "stance": "for"}).status_code == 403
        assert client.post(f"/comments/{comment.id}/delete",
                           data={"confirm": "yes"}).status_code == 403
        auth.logout()
    comment = _fresh(comment)
    assert comment.body == "Nie twoje." and comment.deleted_at is None


def test_author_sees_edit_and_delete_links_others_do_not(client, auth, proposal, proposer):
    make_comment(proposal, proposer)
    me = auth.login_as()
    mine = make_comment(proposal, me)
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert page.count("/edit\"") == 1 and f'href="/comments/{mine.id}/edit"' in page
    assert f'href="/comments/{mine.id}/delete"' in page


# -- deleting ---------------------------------------------------------------------------------

def test_author_deletes_after_confirming(client, auth, proposal, proposer):
    me = auth.login_as()
    comment = make_comment(proposal, me, body="Do usunięcia.")
    reply = make_comment(proposal, proposer, parent=comment, body="Odpowiedź zostaje.")
    page = client.get(f"/comments/{comment.id}/delete").get_data(as_text=True)
    assert "Do usunięcia." in page and 'name="confirm"' in page
    assert _fresh(comment).deleted_at is None  # the GET only asks

    response = client.post(f"/comments/{comment.id}/delete", data={})
    assert response.status_code == 200 and "Please confirm the deletion." in \
        response.get_data(as_text=True)
    assert _fresh(comment).deleted_at is None

    response = client.post(f"/comments/{comment.id}/delete", data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    assert _fresh(comment).deleted_at is not None
    assert db.session.get(Proposal, proposal.id).comment_count == 1
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "Do usunięcia." not in page and "This comment was deleted." in page
    assert "Odpowiedź zostaje." in page and f'id="comment-{reply.id}"' in page
    assert f'name="parent_id" value="{comment.id}"' not in page  # no replies to it

    assert client.get(f"/comments/{comment.id}/edit").status_code == 404
    assert client.post(f"/comments/{comment.id}/delete",
                       data={"confirm": "yes"}).status_code == 404
    assert db.session.get(Proposal, proposal.id).comment_count == 1


def test_deleted_comment_leaves_the_summary(client, auth, proposal):
    me = auth.login_as()
    comment = make_comment(proposal, me, stance=Stance.AGAINST)
    client.post(f"/comments/{comment.id}/delete", data={"confirm": "yes"})
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert '<div class="stance-against"><dt>Against</dt><dd>0</dd></div>' in page
    assert "0 comments" in page
