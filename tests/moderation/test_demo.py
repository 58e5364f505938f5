"""The demo city's moderation: a queue with work in it, a hidden comment, a blocked resident,
and the journey "three residents report a comment" with the demo accounts."""

from __future__ import annotations

from sqlalchemy import select

from app.demo.moderation import BLOCK_REASON, HIDE_REASON, SPAM
from app.demo.services import DEMO_PASSWORD
from app.discussion.models import Comment
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import Report
from app.proposals.models import HiddenState


def _login(client, email: str) -> None:
    client.post("/account/logout")
    response = client.post("/account/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 303


def test_the_demo_queue_has_work_and_the_log_shows_it(runner, client):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # nothing twice
    assert len(db.session.scalars(select(Report)).all()) == 7
    _login(client, "moderator@wrzosow.example")
    queue = client.get("/moderation/queue").get_data(as_text=True)
    assert SPAM in queue and "Konto publikuje tylko reklamy." in queue
    assert "Nie dotyczy spółdzielni." in queue
    hidden = db.session.scalar(select(Comment).where(
        Comment.hidden_state == HiddenState.HIDDEN))
    page = client.get(f"/proposals/{hidden.proposal_id}").get_data(as_text=True)
    assert f"Ukryte przez moderatora: {HIDE_REASON}" in page
    # The demo writes many entries after the moderator's; the log filters by kind.
    log = client.get("/moderation/log?action=user.block").get_data(as_text=True)
    assert BLOCK_REASON in log and "Monika Moderatorka" in log
    assert verify_chain().ok


def test_the_blocked_demo_resident_sees_why(runner, client):
    runner.invoke(args=["demo", "load"])
    _login(client, "mieszkaniec11@wrzosow.example")
    page = client.get("/").get_data(as_text=True)
    assert BLOCK_REASON in page
    assert client.get("/proposals/new").status_code == 403


def test_three_demo_residents_report_a_comment(runner, client):
    runner.invoke(args=["demo", "load"])
    comment = db.session.scalar(select(Comment).where(
        Comment.hidden_state.is_(None), Comment.body != SPAM,
        Comment.author_id.is_not(None)).order_by(Comment.id))
    reporters = ["resident@wrzosow.example", "resident2@wrzosow.example",
                 "mieszkaniec9@wrzosow.example"]
    for email in reporters:
        _login(client, email)
        response = client.post(f"/moderation/report/comment/{comment.id}",
                               data={"reason": "offensive"})
        assert response.status_code == 303, email
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).hidden_state is HiddenState.PENDING
    _login(client, "moderator@wrzosow.example")
    assert f"queue-item-comment-{comment.id}" in client.get(
        "/moderation/queue?sort=most").get_data(as_text=True)
    client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "Wulgaryzmy."})
    page = client.get(f"/proposals/{comment.proposal_id}").get_data(as_text=True)
    assert "Ukryte przez moderatora: Wulgaryzmy." in page
    client.post(f"/moderation/comment/{comment.id}/restore", data={})
    page = client.get(f"/proposals/{comment.proposal_id}").get_data(as_text=True)
    assert comment.body in page
    assert verify_chain().ok
