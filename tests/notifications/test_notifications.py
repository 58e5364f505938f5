"""Follows, notifications for replies, new comments and status changes, their emails."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.db_types import utcnow
from app.discussion.models import Comment
from app.extensions import db
from app.notifications import services
from app.notifications.models import EmailPreferences, Follow, Notification, NotificationKind
from app.proposals.models import ProposalCoauthor, ProposalStatus
from tests.factories import make_comment, make_consultation, make_proposal


def _notifications(user=None, kind=None) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def _follows() -> set[tuple[int, int]]:
    return {(f.user_id, f.proposal_id) for f in db.session.scalars(select(Follow))}


def _notify(app, proposal, old, new, actor) -> None:
    with app.test_request_context():
        services.notify_status_change(proposal, old, new, actor)


# -- following --------------------------------------------------------------------------------

def test_follow_and_unfollow(client, auth, proposal):
    me = auth.login_as()
    response = client.post(f"/proposals/{proposal.id}/follow", data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert _follows() == {(me.id, proposal.id)}
    client.post(f"/proposals/{proposal.id}/follow", data={"confirm": "yes"})
    assert _follows() == {(me.id, proposal.id)}  # following twice is still once
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "You follow this proposal." in page
    assert f'action="/proposals/{proposal.id}/unfollow"' in page
    client.post(f"/proposals/{proposal.id}/unfollow", data={"confirm": "yes"})
    assert _follows() == set()


def test_empty_follow_form_changes_nothing(client, auth, proposal):
    auth.login_as()
    assert client.post(f"/proposals/{proposal.id}/follow", data={}).status_code == 303
    assert _follows() == set()


def test_follow_with_htmx_returns_the_button(client, auth, proposal):
    auth.login_as()
    response = client.post(f"/proposals/{proposal.id}/follow", data={"confirm": "yes"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert fragment.lstrip().startswith(f'<div id="follow-{proposal.id}"')
    assert "Unfollow" in fragment and 'aria-live="polite"' in fragment
    fragment = client.post(f"/proposals/{proposal.id}/unfollow", data={"confirm": "yes"},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Follow this proposal" in fragment


def test_following_needs_an_account(client, proposal):
    response = client.post(f"/proposals/{proposal.id}/follow", data={"confirm": "yes"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert "Follow this proposal" not in client.get(f"/proposals/{proposal.id}").get_data(
        as_text=True)
    assert _follows() == set()


def test_follow_a_missing_or_hidden_proposal(client, auth, proposer):
    draft = make_proposal(make_consultation("proposals"), proposer,
                          status=ProposalStatus.DRAFT)
    auth.login_as()
    assert client.post("/proposals/999/follow", data={"confirm": "yes"}).status_code == 404
    assert client.post(f"/proposals/{draft.id}/follow",
                       data={"confirm": "yes"}).status_code == 404
    assert _follows() == set()


# -- notifications from comments --------------------------------------------------------------

def test_reply_notifies_the_parent_author_once(app, users, proposal, comment_as):
    alice, bob, carol = users(name="Alicja"), users(name="Bogdan"), users(name="Celina")
    comment_as(alice, proposal, "Komentarz Alicji.")
    comment_as(carol, proposal, "Komentarz Celiny.")
    parent = db.session.scalar(select(Comment).where(Comment.author_id == alice.id))
    comment_as(bob, proposal, "Odpowiedź Bogdana.", parent=parent)
    reply = db.session.scalar(select(Comment).where(Comment.author_id == bob.id))

    about_reply = [n for n in _notifications() if n.comment_id == reply.id]
    assert sorted((n.user_id, n.kind) for n in about_reply) == sorted([
        (alice.id, NotificationKind.REPLY), (carol.id, NotificationKind.NEW_COMMENT)])
    to_alice = next(n for n in about_reply if n.user_id == alice.id)
    assert to_alice.params == {"actor": "Bogdan", "title": "Zielone dachy"}
    assert _notifications(bob) == []  # never about one's own comment


def test_new_comment_notifies_followers_but_not_the_commenter(app, users, proposal,
                                                              comment_as):
    follower, commenter = users(), users()
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id, created_at=utcnow()))
    db.session.commit()
    comment_as(commenter, proposal)
    assert [n.kind for n in _notifications(follower)] == [NotificationKind.NEW_COMMENT]
    assert _notifications(commenter) == []


def test_reply_to_oneself_notifies_nobody_else_twice(users, proposal, comment_as):
    alice = users()
    comment_as(alice, proposal)
    parent = db.session.scalar(select(Comment))
    comment_as(alice, proposal, "Dopisuję.", parent=parent)
    assert _notifications() == []


def test_deleted_accounts_get_no_notifications(users, proposal, comment_as):
    gone, writer = users(), users()
    db.session.add(Follow(user_id=gone.id, proposal_id=proposal.id, created_at=utcnow()))
    gone.deleted_at = utcnow()
    db.session.commit()
    comment_as(writer, proposal)
    assert _notifications() == []


# -- status changes ---------------------------------------------------------------------------

def test_status_change_notifies_authors_not_the_actor(app, users, proposal, proposer, outbox):
    coauthor, staff = users(locale="en"), users(Role.STAFF)
    db.session.add(ProposalCoauthor(proposal_id=proposal.id, user_id=coauthor.id))
    db.session.commit()
    _notify(app, proposal, ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, staff)
    with db.engine.connect() as elsewhere:  # nothing is committed until the caller commits
        assert elsewhere.scalar(select(func.count(Notification.id))) == 0
    assert outbox.messages == []
    db.session.commit()
    notes = _notifications(kind=NotificationKind.STATUS_CHANGE)
    assert sorted(n.user_id for n in notes) == sorted([proposer.id, coauthor.id])
    assert notes[0].params == {"title": "Zielone dachy", "old": "submitted", "new": "accepted"}
    assert notes[0].proposal_id == proposal.id and notes[0].comment_id is None
    assert len(outbox.to(proposer.email)) == 1 and len(outbox.to(coauthor.email)) == 1
    assert outbox.to(staff.email) == []

    _notify(app, proposal, ProposalStatus.ACCEPTED, ProposalStatus.WITHDRAWN, proposer)
    db.session.commit()
    assert [n.user_id for n in _notifications(kind=NotificationKind.STATUS_CHANGE)][2:] == [
        coauthor.id]


def test_rolled_back_change_sends_no_mail(app, proposal, proposer, users, outbox):
    _notify(app, proposal, ProposalStatus.SUBMITTED, ProposalStatus.REJECTED, users(Role.STAFF))
    db.session.rollback()
    assert _notifications() == [] and outbox.messages == []
    db.session.commit()
    assert outbox.messages == []  # the dropped mail does not come back later


def test_status_change_through_the_proposals_service(app, proposal, proposer, users, outbox):
    from app.proposals.services import change_status

    with app.test_request_context():
        change_status(proposal, ProposalStatus.REJECTED, users(Role.STAFF), "Za drogi.")
        db.session.commit()
    [note] = _notifications(proposer)
    assert note.kind is NotificationKind.STATUS_CHANGE
    assert note.params["new"] == "rejected"
    assert len(outbox.to(proposer.email)) == 1


# -- the notifications page and the header ----------------------------------------------------

def _make_notifications(user, proposal, count: int, read: int = 0) -> list[Notification]:
    made = []
    for n in range(count):
        notification = Notification(
            user_id=user.id, kind=NotificationKind.NEW_COMMENT, proposal_id=proposal.id,
            params={"actor": f"Osoba {n}", "title": "Zielone dachy"}, created_at=utcnow(),
            read_at=utcnow() if n < read else None)
        db.session.add(notification)
        made.append(notification)
    db.session.commit()
    return made


def test_header_shows_the_unread_count(client, auth, proposal):
    me = auth.login_as(locale="en")

    def nav() -> str:
        page = client.get("/").get_data(as_text=True)
        link = page[page.index('<li id="notifications-nav">'):]
        return link[:link.index("</li>") + 5]

    assert nav() == ('<li id="notifications-nav"><a href="/notifications" >'
                     'Notifications</a></li>')
    _make_notifications(me, proposal, 3, read=1)
    assert nav() == ('<li id="notifications-nav"><a href="/notifications" >Notifications '
                     '<span class="notification-count">(2<span class="visually-hidden"> '
                     'unread</span>)</span></a></li>')
    page = client.get("/notifications").get_data(as_text=True)
    assert '<a href="/notifications" aria-current="page">' in page


def test_anonymous_pages_have_no_notifications_link(client):
    assert 'id="notifications-nav"' not in client.get("/").get_data(as_text=True)


def test_notifications_page_newest_first_with_unread_marked(client, auth, proposal, users):
    me = auth.login_as(locale="en")
    comment = make_comment(proposal, users())
    older = Notification(user_id=me.id, kind=NotificationKind.REPLY, proposal_id=proposal.id,
                         comment_id=comment.id, params={"actor": "Bogdan", "title": "Dachy"},
                         created_at=utcnow(), read_at=utcnow())
    newer = Notification(user_id=me.id, kind=NotificationKind.STATUS_CHANGE,
                         proposal_id=proposal.id,
                         params={"title": "Dachy", "old": "submitted", "new": "accepted"},
                         created_at=utcnow())
    db.session.add_all([older, newer])
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index(f'id="notification-{newer.id}"') < page.index(f'id="notification-{older.id}"')
    assert "Bogdan replied to your comment on “Dachy”." in page
    assert ("The status of your proposal “Dachy” changed from “Submitted” "
            "to “Accepted for the vote”.") in page
    assert f'href="/proposals/{proposal.id}#comment-{comment.id}"' in page
    assert f'href="/proposals/{proposal.id}"' in page
    assert page.count(">Unread</strong>") == 1
    assert 'class="notification notification-unread"' in page


def test_notification_text_follows_the_readers_language(client, auth, proposal):
    me = auth.login_as(locale="pl")
    _make_notifications(me, proposal, 1)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'lang="pl"' in page and "Osoba 0" in page


def test_notifications_page_is_paginated_and_empty_state(client, auth, proposal):
    me = auth.login_as(locale="en")
    assert "No notifications yet." in client.get("/notifications").get_data(as_text=True)
    _make_notifications(me, proposal, services.PER_PAGE + 3)
    first = client.get("/notifications").get_data(as_text=True)
    assert first.count('class="notification ') == services.PER_PAGE
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert second.count('class="notification ') == 3
    assert client.get("/notifications?page=99").status_code == 200


def test_notifications_need_an_account(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_mark_one_read(client, auth, proposal):
    me = auth.login_as(locale="en")
    note, other = _make_notifications(me, proposal, 2)
    response = client.post(f"/notifications/{note.id}/read", data={"confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/notifications")
    assert [n.read_at is not None for n in _notifications(me)] == [True, False]
    client.post(f"/notifications/{other.id}/read", data={})  # empty form: nothing changes
    assert _notifications(me)[1].read_at is None


def test_mark_read_with_htmx_updates_item_and_header(client, auth, proposal):
    me = auth.login_as(locale="en")
    note, _ = _make_notifications(me, proposal, 2)
    response = client.post(f"/notifications/{note.id}/read", data={"confirm": "yes"},
                           headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert fragment.lstrip().startswith(f'<li id="notification-{note.id}" class="notification">')
    assert '<li id="notifications-nav" hx-swap-oob="true">' in fragment
    assert "(1<span" in fragment
    # the pressed button is gone: the item's link takes the focus (htmx honours autofocus)
    assert fragment.count(" autofocus>") == 1
    assert f'<a href="/proposals/{proposal.id}" autofocus>' in fragment
    assert "autofocus" not in client.get("/notifications").get_data(as_text=True)


def test_only_the_owner_marks_a_notification(client, auth, proposal, users):
    someone = users()
    [theirs] = _make_notifications(someone, proposal, 1)
    auth.login_as()
    assert client.post(f"/notifications/{theirs.id}/read",
                       data={"confirm": "yes"}).status_code == 404
    assert client.post("/notifications/999/read", data={"confirm": "yes"}).status_code == 404
    assert _notifications(someone)[0].read_at is None


def test_mark_all_read(client, auth, proposal, users):
    me = auth.login_as(locale="en")
    someone = users()
    _make_notifications(me, proposal, 3)
    _make_notifications(someone, proposal, 1)
    assert client.post("/notifications/read-all", data={}).status_code == 303
    assert all(n.read_at is None for n in _notifications(me))  # empty form: nothing
    response = client.post("/notifications/read-all", data={"confirm": "yes"})
    assert response.status_code == 303
    assert all(n.read_at is not None for n in _notifications(me))
    assert _notifications(someone)[0].read_at is None
    page = client.get("/notifications").get_data(as_text=True)
    assert "Mark all as read" not in page and ">Unread<" not in page


def test_mark_all_read_with_htmx_returns_the_list(client, auth, proposal):
    me = auth.login_as(locale="en")
    _make_notifications(me, proposal, 2)
    fragment = client.post("/notifications/read-all", data={"confirm": "yes"},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="notification-list"')
    assert '<li id="notifications-nav" hx-swap-oob="true">' in fragment
    assert "visually-hidden\"> unread" not in fragment
    # the pressed button is gone: the first notification's link takes the focus
    assert fragment.count(" autofocus>") == 1
    first_item = fragment.index('<li id="notification-')
    assert fragment.index(" autofocus>") < fragment.index('<li id="notification-', first_item + 1)


def test_notifications_page_query_count_is_constant(client, auth, proposal, count_queries):
    me = auth.login_as()
    _make_notifications(me, proposal, 5)
    client.get("/notifications")
    with count_queries() as few:
        client.get("/notifications")
    _make_notifications(me, proposal, 95)
    with count_queries() as many:
        client.get("/notifications")
    assert many["count"] == few["count"], (few, many)


def test_header_count_is_one_query(client, auth, proposal, count_queries):
    me = auth.login_as()
    with count_queries() as without:
        client.get("/privacy")
    _make_notifications(me, proposal, 4)
    with count_queries() as counted:
        page = client.get("/privacy").get_data(as_text=True)
    assert "(4<span" in page
    assert counted["count"] == without["count"]


# -- email ------------------------------------------------------------------------------------

def test_emails_go_in_the_recipients_language(users, proposal, comment_as, outbox):
    polish, english, writer = users(locale="pl"), users(locale="en"), users(locale="en")
    for person in (polish, english):
        db.session.add(Follow(user_id=person.id, proposal_id=proposal.id, created_at=utcnow()))
    db.session.commit()
    comment_as(writer, proposal, "Treść komentarza\nw dwóch liniach.")
    [to_polish] = outbox.to(polish.email)
    [to_english] = outbox.to(english.email)
    assert f"Dzień dobry, {polish.display_name}," in outbox.body(to_polish)
    assert f"Hello {english.display_name}," in outbox.body(to_english)
    assert to_english["Subject"] == "New comment on “Zielone dachy”"
    body = outbox.body(to_english)
    assert "Treść komentarza w dwóch liniach." in body
    assert f"/proposals/{proposal.id}#comment-" in body
    assert "/notifications/preferences" in body
    assert outbox.to(writer.email) == []


def test_reply_email(users, proposal, comment_as, outbox):
    alice, bob = users(locale="en"), users(name="Bogdan")
    comment_as(alice, proposal)
    parent = db.session.scalar(select(Comment))
    comment_as(bob, proposal, "Nie zgadzam się.", parent=parent)
    [message] = outbox.to(alice.email)
    assert message["Subject"] == "Bogdan replied to your comment"
    assert "Nie zgadzam się." in outbox.body(message)


def test_preferences_default_on_and_saved(client, auth):
    me = auth.login_as(locale="en")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert page.count('checked') == 3
    response = client.post("/notifications/preferences",
                           data={"sent": "yes", "followed": "y"})
    assert response.status_code == 303
    preferences = db.session.get(EmailPreferences, me.id)
    assert (preferences.replies, preferences.followed, preferences.status_changes) == (
        False, True, False)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert page.count('checked') == 1


def test_empty_preferences_form_changes_nothing(client, auth):
    me = auth.login_as(locale="en")
    response = client.post("/notifications/preferences", data={})
    assert response.status_code == 200
    assert "The form was incomplete." in response.get_data(as_text=True)
    assert db.session.get(EmailPreferences, me.id) is None


def test_preferences_stop_emails_not_notifications(app, users, proposal, proposer,
                                                   comment_as, outbox):
    quiet, writer = users(), users()
    db.session.add_all([
        Follow(user_id=quiet.id, proposal_id=proposal.id, created_at=utcnow()),
        EmailPreferences(user_id=quiet.id, replies=True, followed=False, status_changes=True),
        EmailPreferences(user_id=proposer.id, replies=True, followed=True,
                         status_changes=False),
    ])
    db.session.commit()
    comment_as(writer, proposal)
    assert [n.kind for n in _notifications(quiet)] == [NotificationKind.NEW_COMMENT]
    assert outbox.to(quiet.email) == []
    _notify(app, proposal, ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, writer)
    db.session.commit()
    assert len(_notifications(proposer, NotificationKind.STATUS_CHANGE)) == 1
    assert outbox.to(proposer.email) == []

    parent = db.session.scalar(select(Comment))
    comment_as(quiet, proposal, "Odpowiadam.", parent=parent)
    assert len(outbox.to(writer.email)) == 1  # replies still on for the writer


def test_unconfirmed_addresses_get_no_email(users, proposal, comment_as, outbox):
    unconfirmed, writer = users(confirmed=False), users()
    db.session.add(Follow(user_id=unconfirmed.id, proposal_id=proposal.id, created_at=utcnow()))
    db.session.commit()
    comment_as(writer, proposal)
    assert len(_notifications(unconfirmed)) == 1
    assert outbox.to(unconfirmed.email) == []


def test_status_change_email_text(app, proposal, proposer, users, outbox):
    _notify(app, proposal, ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, users(Role.STAFF))
    db.session.commit()
    [message] = outbox.to(proposer.email)
    assert message["Subject"] == "Your proposal “Zielone dachy” is now: Accepted for the vote"
    assert "changed from “Submitted” to “Accepted for the vote”" in outbox.body(message)
    assert db.session.scalar(select(func.count(Notification.id))) == 1
