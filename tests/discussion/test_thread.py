"""Reading a discussion: the tree, the stance summary, sorting, deleted comments, queries."""

from __future__ import annotations

import re
from datetime import timedelta

from app.accounts.models import Role
from app.db_types import utcnow
from app.discussion.models import Comment, CommentVote, Stance
from app.extensions import db
from tests.factories import make_comment


def _order(page: str) -> list[int]:
    """Comment ids in the order they appear on the page."""
    return [int(n) for n in re.findall(r'<li id="comment-(\d+)"', page)]


def _vote(comment: Comment, users: list) -> None:
    for user in users:
        db.session.add(CommentVote(comment_id=comment.id, user_id=user.id))
    comment.upvote_count = len(users)
    db.session.commit()


def _summary(page: str) -> dict[str, int]:
    return {stance: int(count) for stance, count in re.findall(
        r'<div class="stance-(\w+)"><dt>[^<]+</dt><dd>(\d+)</dd></div>', page)}


def test_replies_are_nested_under_their_parent(client, proposal, proposer, users):
    first = make_comment(proposal, proposer, body="Pierwszy")
    second = make_comment(proposal, proposer, body="Drugi")
    reply = make_comment(proposal, users(), parent=first, body="Odpowiedź")
    deeper = make_comment(proposal, proposer, parent=reply, body="Głębiej")
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert _order(page) == [first.id, reply.id, deeper.id, second.id]
    block = page[page.index(f'id="comment-{first.id}"'):page.index(f'id="comment-{second.id}"')]
    assert block.count('<ol class="comment-replies">') == 2


def test_summary_counts_stances_of_comments_not_deleted(client, proposal, proposer, users):
    for stance in (Stance.FOR, Stance.FOR, Stance.AGAINST):
        make_comment(proposal, proposer, stance=stance)
    gone = make_comment(proposal, users(), stance=Stance.NEUTRAL)
    gone.deleted_at = utcnow()
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert _summary(page) == {"for": 2, "against": 1, "neutral": 0}
    assert "3 comments" in page


def test_empty_discussion(client, proposal):
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "No comments yet." in page
    assert _summary(page) == {"for": 0, "against": 0, "neutral": 0}


def test_sort_by_oldest_or_best(client, proposal, proposer, users):
    voters = [users() for _ in range(3)]
    old = make_comment(proposal, proposer, body="stary")
    middle = make_comment(proposal, proposer, body="środkowy")
    new = make_comment(proposal, proposer, body="nowy")
    _vote(new, voters)
    _vote(middle, voters[:1])
    reply_low = make_comment(proposal, proposer, parent=old, body="słaba odpowiedź")
    reply_high = make_comment(proposal, proposer, parent=old, body="mocna odpowiedź")
    _vote(reply_high, voters[:2])
    url = f"/proposals/{proposal.id}/comments"
    oldest = _order(client.get(url).get_data(as_text=True))
    assert oldest == [old.id, reply_low.id, reply_high.id, middle.id, new.id]
    assert _order(client.get(url + "?comments=oldest").get_data(as_text=True)) == oldest
    assert _order(client.get(url + "?comments=nonsense").get_data(as_text=True)) == oldest
    best = client.get(url + "?comments=best").get_data(as_text=True)
    assert _order(best) == [new.id, middle.id, old.id, reply_high.id, reply_low.id]
    assert re.search(r'comments=best#discussion"[^>]*aria-current="true"', best, re.S)


def test_best_breaks_ties_by_age(client, proposal, proposer):
    first = make_comment(proposal, proposer)
    second = make_comment(proposal, proposer)
    second.created_at = first.created_at + timedelta(seconds=1)
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}/comments?comments=best")
    assert _order(page.get_data(as_text=True)) == [first.id, second.id]


def test_sort_links_work_with_and_without_htmx(client, proposal, proposer):
    make_comment(proposal, proposer)
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}?comments=best#discussion"' in page
    assert f'hx-get="/proposals/{proposal.id}/comments?comments=best"' in page
    fragment = client.get(f"/proposals/{proposal.id}/comments?comments=best",
                          headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="discussion"')
    assert "HX-Request" in fragment.headers["Vary"]


def test_deleted_comment_keeps_its_replies(client, proposal, proposer, users):
    parent = make_comment(proposal, proposer, body="Tekst, który znika.")
    reply = make_comment(proposal, users(), parent=parent, body="Odpowiedź zostaje.")
    parent.deleted_at = utcnow()
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "Tekst, który znika." not in page
    assert "This comment was deleted." in page
    assert "Odpowiedź zostaje." in page
    assert _order(page) == [parent.id, reply.id]


def test_the_proposal_page_shows_the_discussion(client, proposal, proposer):
    make_comment(proposal, proposer, body="Na stronie projektu.")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'id="discussion"' in page and "Na stronie projektu." in page
    assert page.count("<h1") == 1


def test_section_query_count_does_not_grow_with_comments(client, auth, proposal, proposer,
                                                         users, count_queries):
    me = auth.login_as()
    others = [users() for _ in range(4)]

    def add_comments(count: int) -> None:
        comments: list[Comment] = []
        for n in range(count):
            parent = comments[n - 1] if n % 3 and comments[n - 1].depth < 3 else None
            author = others[n % len(others)] if n % 5 else me
            comment = Comment(proposal_id=proposal.id, author_id=author.id,
                              parent_id=parent.id if parent else None,
                              depth=parent.depth + 1 if parent else 0,
                              stance=list(Stance)[n % 3], body=f"Komentarz {n}",
                              upvote_count=0, created_at=utcnow())
            db.session.add(comment)
            db.session.flush()
            comments.append(comment)
            if n % 2:
                db.session.add(CommentVote(comment_id=comment.id, user_id=me.id))
        db.session.commit()

    url = f"/proposals/{proposal.id}/comments"
    add_comments(10)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_comments(190)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(_order(page)) == 200
    assert many["count"] == few["count"], (few, many)
    with count_queries() as proposal_page:
        client.get(f"/proposals/{proposal.id}")
    assert proposal_page["count"] <= few["count"] + 12


def test_author_names_of_deleted_accounts(client, proposal, users):
    gone = users(Role.RESIDENT, name="Znikający")
    make_comment(proposal, gone, body="Mój głos.")
    gone.deleted_at = utcnow()
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}/comments").get_data(as_text=True)
    assert "Znikający" not in page
    assert "deleted user" in page and "Mój głos." in page
