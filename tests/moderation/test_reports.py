"""Reports: once per item and resident, the Nth report hides an item pending review (logged as
the platform's own rule), reporters never shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.admin.services import change_setting
from app.discussion.models import Comment
from app.extensions import db
from app.moderation.audit import verify_chain
from app.moderation.models import Report
from app.notifications.models import Notification, NotificationKind
from app.proposals.models import HiddenState, Proposal
from tests.moderation.helpers import audit_entries


def _reports(kind: str, target_id: int) -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(select(Report).where(Report.target_type == kind,
                                                        Report.target_id == target_id)))


def test_three_reports_hide_a_comment_pending_review(client, report_as, comment, commenter,
                                                     proposal, users):
    names = ["Reporterka Pierwsza", "Reporter Drugi", "Reporterka Trzecia"]
    for number, name in enumerate(names, start=1):
        response = report_as("comment", comment.id, reason="offensive",
                             user=users(Role.RESIDENT, name=name))
        assert response.status_code == 303
        assert response.headers["Location"].endswith(
            f"/proposals/{proposal.id}#comment-{comment.id}")
        hidden = db.session.get(Comment, comment.id).hidden_state
        assert hidden is (HiddenState.PENDING if number == 3 else None)
    # The place of the comment says why, in Polish by default; the text is gone.
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Tekst, który ktoś zgłosi." not in page
    assert "Ukryty do czasu przeglądu" in page
    # Nobody sees who reported, not even in the moderators' queue.
    for name in names:
        assert name not in page
    # Hiding is the platform's rule: a system entry, never a moderator's name.
    entry = audit_entries("content.auto_hide")[-1]
    assert (entry.actor_id, entry.actor_role) == (None, "system")
    assert (entry.target_type, entry.target_id) == ("comment", comment.id)
    assert entry.details == {"reports": 3, "threshold": 3}
    assert verify_chain().ok
    notice = db.session.scalar(select(Notification).where(Notification.user_id == commenter.id))
    assert notice.kind is NotificationKind.MODERATION
    assert notice.params["event"] == "comment_pending"


def test_two_reports_leave_the_comment_shown(report_as, comment):
    for _ in range(2):
        assert report_as("comment", comment.id).status_code == 303
    assert db.session.get(Comment, comment.id).hidden_state is None
    assert audit_entries("content.auto_hide") == []


def test_a_resident_reports_an_item_once(report_as, comment, users, in_english):
    reporter = users(Role.RESIDENT)
    assert report_as("comment", comment.id, user=reporter).status_code == 303
    again = report_as("comment", comment.id, user=reporter)
    assert again.status_code == 409
    assert "You have already reported this." in again.get_data(as_text=True)
    assert len(_reports("comment", comment.id)) == 1


def test_one_cannot_report_oneself(report_as, comment, commenter, in_english):
    response = report_as("comment", comment.id, user=commenter)
    assert response.status_code == 409
    assert "You cannot report your own contribution" in response.get_data(as_text=True)
    assert _reports("comment", comment.id) == []


@pytest.mark.parametrize(("setting", "hidden_after"), [(1, 1), (0, None)])
def test_the_threshold_is_a_site_setting(report_as, comment, setting, hidden_after):
    change_setting("reports_to_hide", setting, None)
    db.session.commit()
    for number in range(1, 4):
        report_as("comment", comment.id)
        hidden = db.session.get(Comment, comment.id).hidden_state is not None
        assert hidden == (hidden_after is not None and number >= hidden_after)


def test_a_proposal_is_hidden_and_leaves_the_listing(client, report_as, proposal):
    for _ in range(3):
        assert report_as("proposal", proposal.id, reason="spam").status_code == 303
    assert db.session.get(Proposal, proposal.id).hidden_state is HiddenState.PENDING
    listing = client.get("/proposals").get_data(as_text=True)
    assert "Zielone dachy" not in listing
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Zielone dachy" not in page and "Ukryta do czasu przeglądu" in page


def test_reports_about_an_account_hide_nothing(report_as, commenter):
    for _ in range(3):
        assert report_as("user", commenter.id, reason="spam").status_code == 303
    assert len(_reports("user", commenter.id)) == 3
    assert audit_entries("content.auto_hide") == []


def test_other_needs_words_in_both_languages(client, report_as, comment, users):
    response = report_as("comment", comment.id, reason="other", details="")
    assert response.status_code == 200
    assert "Opisz problem w kilku słowach." in response.get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    response = client.post(f"/moderation/report/comment/{comment.id}",
                           data={"reason": "other", "details": ""})
    assert "Describe the problem in a few words." in response.get_data(as_text=True)
    assert _reports("comment", comment.id) == []
    response = client.post(f"/moderation/report/comment/{comment.id}",
                           data={"reason": "nonsense"})
    assert "Choose what is wrong." in response.get_data(as_text=True)


def test_the_report_page_and_the_links_to_it(client, auth, comment, proposal, in_english):
    auth.login_as(Role.RESIDENT)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/moderation/report/comment/{comment.id}" in page
    assert f"/moderation/report/proposal/{proposal.id}" in page
    form = client.get(f"/moderation/report/comment/{comment.id}").get_data(as_text=True)
    assert "You are reporting a comment by Karol Komentujący" in form
    assert "Only moderators see reports" in form


def test_a_deleted_comment_cannot_be_reported(client, auth, comment):
    comment.deleted_at = comment.created_at
    db.session.commit()
    auth.login_as(Role.RESIDENT)
    assert client.get(f"/moderation/report/comment/{comment.id}").status_code == 404


def test_a_hidden_proposal_takes_no_comments_or_supports(client, auth, proposal):
    proposal.hidden_state = HiddenState.PENDING
    db.session.commit()
    auth.login_as(Role.RESIDENT)
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={"body": "Komentarz do ukrytej.", "stance": "for"})
    assert response.status_code == 403
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 409
    assert db.session.get(Proposal, proposal.id).support_count == 0
    assert db.session.scalars(select(Comment)).all() == []


def test_reporting_an_account_goes_back_to_the_proposal(client, auth, proposal, proposer):
    auth.login_as(Role.RESIDENT)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    link = f"/moderation/report/user/{proposer.id}?next=/proposals/{proposal.id}"
    assert link in page
    response = client.post(link, data={"reason": "spam"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    outside = client.post(f"/moderation/report/user/{proposal.author_id}"
                          "?next=https://example.org/", data={"reason": "spam"})
    assert outside.status_code == 409  # already reported; the foreign "next" is never used
    assert 'href="https://example.org' not in outside.get_data(as_text=True)
