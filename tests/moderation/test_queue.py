"""The moderators' queue and the actions on reported items: hide with a public reason,
restore, dismiss; each confirmed, logged, and notified to the author; htmx and plain."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.discussion.models import Comment
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import Report
from app.notifications.models import Notification
from app.notifications.services import message_for
from app.proposals.models import HiddenState
from tests.factories import make_comment
from tests.moderation.helpers import audit_entries

HTMX = {"HX-Request": "true"}


def _report_three_times(report_as, comment) -> None:
    for _ in range(3):
        assert report_as("comment", comment.id, reason="offensive",
                         details="Obraża sąsiadów.").status_code == 303


def _comment(comment_id: int) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def _open_reports() -> int:
    return len(db.session.scalars(select(Report).where(Report.resolved_at.is_(None))).all())


def test_the_queue_shows_reported_items_with_their_reports(client, report_as, as_moderator,
                                                         comment, proposal, commenter,
                                                         in_english):
    _report_three_times(report_as, comment)
    other = make_comment(proposal, commenter, body="Drugi tekst.")
    report_as("comment", other.id, reason="spam")
    as_moderator()
    page = client.get("/moderation/queue").get_data(as_text=True)
    assert "Moderation queue" in page
    assert "Tekst, który ktoś zgłosi." in page  # moderators read the hidden text in context
    assert "Hidden pending review after reports." in page
    assert "3 open reports" in page and "Obraża sąsiadów." in page
    assert "Offensive or abusive" in page and "Spam or advertising" in page
    # Newest report first by default; most reported first when asked.
    assert page.index(f"queue-item-comment-{other.id}") < page.index(
        f"queue-item-comment-{comment.id}")
    most = client.get("/moderation/queue?sort=most").get_data(as_text=True)
    assert most.index(f"queue-item-comment-{comment.id}") < most.index(
        f"queue-item-comment-{other.id}")
    fragment = client.get("/moderation/queue?sort=most", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="queue-list">') and "<html" not in fragment


def test_an_empty_queue_says_so_in_both_languages(client, as_moderator):
    as_moderator()
    assert "Żadne zgłoszenie nie czeka." in client.get("/moderation/queue").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    assert "No reports are waiting." in client.get("/moderation/queue").get_data(as_text=True)


def test_hide_with_a_reason_shown_in_place(client, report_as, as_moderator, comment, proposal,
                                           commenter):
    _report_three_times(report_as, comment)
    moderator = as_moderator()
    confirm = client.get(f"/moderation/comment/{comment.id}/hide?next=/moderation/queue")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Ukryj ten wpis" in text and "Tekst, który ktoś zgłosi." in text
    response = client.post(f"/moderation/comment/{comment.id}/hide",
                           data={"reason": "Obraźliwe wobec sąsiadów.",
                                 "next": "/moderation/queue"})
    assert response.status_code == 303 and response.headers["Location"] == "/moderation/queue"
    hidden = _comment(comment.id)
    assert hidden.hidden_state is HiddenState.HIDDEN
    assert hidden.hidden_reason == "Obraźliwe wobec sąsiadów."
    assert _open_reports() == 0
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Ukryte przez moderatora: Obraźliwe wobec sąsiadów." in page
    assert "Tekst, który ktoś zgłosi." not in page
    entry = audit_entries("content.hide")[-1]
    assert (entry.actor_id, entry.reason) == (moderator.id, "Obraźliwe wobec sąsiadów.")
    assert entry.details == {"proposal_id": proposal.id, "reports": 3, "was": "pending"}
    assert verify_chain().ok
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == commenter.id).order_by(Notification.id)).all()
    assert [n.params["event"] for n in notices] == ["comment_pending", "comment_hidden"]
    assert "Powód: Obraźliwe wobec sąsiadów." in message_for(notices[-1])


def test_restore_through_htmx_returns_the_card(client, report_as, as_moderator, comment,
                                              proposal, in_english):
    _report_three_times(report_as, comment)
    as_moderator()
    form = client.get(f"/moderation/comment/{comment.id}/restore", headers=HTMX)
    assert form.status_code == 200
    assert form.get_data(as_text=True).lstrip().startswith("<form")
    response = client.post(f"/moderation/comment/{comment.id}/restore", data={"reason": ""},
                           headers=HTMX)
    assert response.status_code == 200
    card = response.get_data(as_text=True)
    assert card.lstrip().startswith(f'<li id="queue-item-comment-{comment.id}"')
    assert "The item is shown again." in card and "No open reports are left" in card
    assert _comment(comment.id).hidden_state is None
    assert audit_entries("content.restore")[-1].details["was"] == "pending"
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Tekst, który ktoś zgłosi." in page


def test_dismissing_reports_shows_the_item_again(client, report_as, as_moderator, comment,
                                                 commenter):
    _report_three_times(report_as, comment)
    as_moderator()
    response = client.post(f"/moderation/comment/{comment.id}/dismiss",
                           data={"reason": "Zgłoszenia bez podstaw."})
    assert response.status_code == 303
    assert _comment(comment.id).hidden_state is None and _open_reports() == 0
    entry = audit_entries("report.dismiss")[-1]
    assert entry.details["reports"] == 3 and entry.details["restored"] is True
    assert "Żadne zgłoszenie nie czeka." in client.get("/moderation/queue").get_data(
        as_text=True)
    # Later reports count afresh: one more does not hide it again.
    report_as("comment", comment.id)
    assert _comment(comment.id).hidden_state is None


def test_a_reason_is_required_to_hide(client, report_as, as_moderator, comment, in_english):
    report_as("comment", comment.id)
    as_moderator()
    page = client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": ""})
    assert page.status_code == 200
    assert "Give the reason for this action." in page.get_data(as_text=True)
    fragment = client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "x"},
                           headers=HTMX)
    assert fragment.status_code == 422
    assert fragment.headers["HX-Retarget"] == f"#actions-comment-{comment.id}"
    assert "Write at least 3 characters." in fragment.get_data(as_text=True)
    assert _comment(comment.id).hidden_state is None
    assert audit_entries("content.hide") == []


def test_restoring_what_is_shown_is_refused(client, as_moderator, comment, in_english):
    as_moderator()
    response = client.post(f"/moderation/comment/{comment.id}/restore", data={})
    assert response.status_code == 409
    assert "This item is not hidden." in response.get_data(as_text=True)
    assert audit_entries() == []


def test_a_proposal_hidden_by_a_moderator(client, as_moderator, proposal, proposer):
    as_moderator()
    response = client.post(f"/moderation/proposal/{proposal.id}/hide",
                           data={"reason": "Reklama firmy."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Ukryte przez moderatora: Reklama firmy." in page
    assert "Opis <strong>projektu</strong>" not in page
    assert db.session.scalar(select(Notification.params).where(
        Notification.user_id == proposer.id))["event"] == "proposal_hidden"


def test_the_queue_needs_a_constant_number_of_queries(client, report_as, as_moderator,
                                                     proposal, commenter, count_queries):
    def queue_queries() -> int:
        with count_queries() as counter:
            assert client.get("/moderation/queue").status_code == 200
        return counter["count"]

    # One item of each kind, then many more: one query per kind of item, whatever the number.
    report_as("comment", make_comment(proposal, commenter).id)
    report_as("proposal", proposal.id)
    report_as("user", commenter.id)
    as_moderator()
    few = queue_queries()
    for _ in range(8):
        report_as("comment", make_comment(proposal, commenter).id)
    as_moderator()
    assert queue_queries() == few


def test_reports_are_kept_from_everyone_but_moderators(client, report_as, comment, auth,
                                                       users):
    report_as("comment", comment.id, details="Tajne szczegóły zgłoszenia.")
    auth.logout()
    auth.login_as()
    assert client.get("/moderation/queue").status_code == 403
    page = client.get(f"/proposals/{comment.proposal_id}").get_data(as_text=True)
    assert "Tajne szczegóły" not in page
    assert "Tajne szczegóły" not in client.get("/moderation/log").get_data(as_text=True)


def test_reports_are_newest_first_within_an_item(report_as, as_moderator, client, comment):
    first = report_as("comment", comment.id, reason="spam")
    assert first.status_code == 303
    report = db.session.scalar(select(Report))
    report.created_at -= timedelta(hours=1)
    db.session.commit()
    report_as("comment", comment.id, reason="off_topic")
    as_moderator()
    page = client.get("/moderation/queue").get_data(as_text=True)
    assert page.index("Nie na temat") < page.index("Spam lub reklama")
