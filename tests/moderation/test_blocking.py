"""Blocking a resident from posting (they read, see why and until when, and every posting
route refuses them, form and direct POST alike) and locking a discussion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.discussion.models import Comment
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import Report
from app.notifications.models import Notification
from app.notifications.services import message_for
from app.proposals.models import Proposal
from app.supports.models import Pledge, Support
from tests.factories import make_comment
from tests.moderation.helpers import audit_entries

HTMX = {"HX-Request": "true"}
REASON = "Powtarzające się obelgi."


def _block(user: User, days: int = 7) -> None:
    user.blocked_until = utcnow() + timedelta(days=days)
    user.block_reason = REASON
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_moderator_blocks_a_resident(client, report_as, as_moderator, commenter):
    report_as("user", commenter.id, reason="offensive")
    moderator = as_moderator()
    page = client.get(f"/moderation/users/{commenter.id}/block?next=/moderation/queue")
    assert page.status_code == 200 and "Zablokuj publikowanie" in page.get_data(as_text=True)
    response = client.post(f"/moderation/users/{commenter.id}/block",
                           data={"days": "7", "reason": REASON, "next": "/moderation/queue"})
    assert response.status_code == 303 and response.headers["Location"] == "/moderation/queue"
    db.session.expire_all()
    blocked = db.session.get(User, commenter.id)
    assert blocked.is_blocked and blocked.block_reason == REASON
    assert abs(blocked.blocked_until - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)
    assert db.session.scalar(select(Report.resolved_at)) is not None
    entry = audit_entries("user.block")[-1]
    assert (entry.actor_id, entry.target_id, entry.reason) == (moderator.id, commenter.id, REASON)
    assert entry.details["days"] == 7 and entry.details["reports"] == 1
    assert verify_chain().ok
    notice = db.session.scalar(select(Notification).where(Notification.user_id == commenter.id))
    assert REASON in message_for(notice)
    # On the public log the end of the block is given in words.
    assert "do " in client.get("/moderation/log?action=user.block").get_data(as_text=True)


def test_the_block_form_needs_a_period_and_a_reason(client, as_moderator, commenter,
                                                    in_english):
    as_moderator()
    page = client.post(f"/moderation/users/{commenter.id}/block", data={"days": "2"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Choose how long the block lasts." in text and "Give the reason" in text
    assert not db.session.get(User, commenter.id).is_blocked


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.STAFF])
def test_only_residents_are_blocked(client, as_moderator, users, role, in_english):
    as_moderator()
    colleague = users(role)
    response = client.post(f"/moderation/users/{colleague.id}/block",
                           data={"days": "1", "reason": REASON})
    assert response.status_code == 409
    assert "Only residents can be blocked" in response.get_data(as_text=True)


def test_a_blocked_resident_reads_but_cannot_post(client, auth, users, proposal, comment):
    resident = auth.login_as(Role.RESIDENT, name="Zablokowany Mieszkaniec")
    _block(resident)
    # Every page says why and until when.
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Moderator zablokował publikowanie z Twojego konta do" in text and REASON in text
    assert 'name="body"' not in text  # no comment form
    assert f"/moderation/report/comment/{comment.id}" not in text
    # The proposal form, and a direct POST to it.
    for response in (client.get("/proposals/new"),
                     client.post("/proposals/new", data={"title": "Spam"})):
        assert response.status_code == 403 and REASON in response.get_data(as_text=True)
    # A comment, as a page and through htmx (422, swapped in place).
    data = {"body": "Jednak coś napiszę.", "stance": "for"}
    response = client.post(f"/proposals/{proposal.id}/comments", data=data)
    assert response.status_code == 403 and REASON in response.get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/comments", data=data, headers=HTMX)
    assert response.status_code == 422 and REASON in response.get_data(as_text=True)
    # A reply, an up-vote, an edit of someone's comment, a report.
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={**data, "parent_id": str(comment.id)})
    assert response.status_code == 403
    assert client.post(f"/comments/{comment.id}/upvote", data={"vote": "add"}).status_code == 403
    response = client.post(f"/moderation/report/comment/{comment.id}",
                           data={"reason": "spam"})
    assert response.status_code == 403 and REASON in response.get_data(as_text=True)
    # Supports and pledges.
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 409 and REASON in response.get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
    assert REASON in response.get_data(as_text=True)
    response = client.post(f"/proposals/{proposal.id}/pledges",
                           data={"role": "member", "on_behalf": "self"})
    assert response.status_code == 409
    assert _count(Comment) == 1 and _count(Support) == 0 and _count(Pledge) == 0
    assert _count(Report) == 0 and _count(Proposal) == 1


def test_a_blocked_author_cannot_edit_their_comment(client, auth, proposal):
    resident = auth.login_as(Role.RESIDENT)
    own = make_comment(proposal, resident, body="Mój komentarz.")
    _block(resident)
    assert client.get(f"/comments/{own.id}/edit").status_code == 403
    response = client.post(f"/comments/{own.id}/edit", data={"body": "Zmiana", "stance": "for"})
    assert response.status_code == 403
    assert db.session.get(Comment, own.id).body == "Mój komentarz."


def test_a_block_ends_by_itself(client, auth, proposal):
    resident = auth.login_as(Role.RESIDENT)
    _block(resident)
    resident.blocked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={"body": "Już mogę pisać.", "stance": "for"})
    assert response.status_code == 303
    assert "zablokował" not in client.get("/").get_data(as_text=True)


def test_lifting_a_block(client, auth, as_moderator, users, proposal, in_english):
    resident = users(Role.RESIDENT)
    _block(resident)
    moderator = as_moderator()
    response = client.post(f"/moderation/users/{resident.id}/unblock",
                           data={"reason": "Przeprosił."})
    assert response.status_code == 303
    db.session.expire_all()
    assert not db.session.get(User, resident.id).is_blocked
    entry = audit_entries("user.unblock")[-1]
    assert (entry.actor_id, entry.reason) == (moderator.id, "Przeprosił.")
    again = client.post(f"/moderation/users/{resident.id}/unblock", data={})
    assert again.status_code == 409
    assert "This person is not blocked." in again.get_data(as_text=True)


def test_locking_a_discussion(client, auth, as_moderator, proposal, proposer, comment):
    moderator = as_moderator()
    assert client.get(f"/moderation/proposals/{proposal.id}/lock").status_code == 200
    response = client.post(f"/moderation/proposals/{proposal.id}/lock",
                           data={"reason": "Dyskusja wymknęła się spod kontroli."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert db.session.get(Proposal, proposal.id).discussion_locked
    entry = audit_entries("discussion.lock")[-1]
    assert (entry.actor_id, entry.target_id) == (moderator.id, proposal.id)
    assert db.session.scalar(select(Notification.params).where(
        Notification.user_id == proposer.id))["event"] == "locked"
    auth.logout()
    auth.login_as(Role.RESIDENT)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Moderator zamknął tę dyskusję: Dyskusja wymknęła się spod kontroli." in page
    assert 'name="body"' not in page
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={"body": "A jednak.", "stance": "for"})
    assert response.status_code == 403
    assert _count(Comment) == 1
    as_moderator()
    assert client.post(f"/moderation/proposals/{proposal.id}/unlock",
                       data={}).status_code == 303
    assert not db.session.get(Proposal, proposal.id).discussion_locked
    assert audit_entries("discussion.unlock")
