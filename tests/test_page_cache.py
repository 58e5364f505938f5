"""The page store for visitors who are not signed in: what it serves, and when it lets go."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app import clock, page_cache
from app.extensions import db
from app.notifications.models import Notification
from app.proposals.models import Proposal
from tests.conftest import AgoraClient
from tests.factories import make_comment, make_consultation, make_proposal

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def cache(app) -> page_cache.PageCache:
    return page_cache.page_cache()


@pytest.fixture
def proposal(users) -> Proposal:
    return make_proposal(make_consultation(), users(), title="Spółdzielnia słoneczna")


def _other_client(app) -> AgoraClient:
    app.test_client_class = AgoraClient
    return app.test_client()


def test_second_visit_is_served_from_the_store(client, cache, proposal):
    first = client.get(f"/proposals/{proposal.id}")
    second = client.get(f"/proposals/{proposal.id}")
    assert (cache.misses, cache.hits) == (1, 1)
    assert first.status_code == second.status_code == 200
    assert "Spółdzielnia słoneczna" in second.get_data(as_text=True)
    # The hooks still run: the stored copy gets every security header.
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert "HX-Request" in second.headers["Vary"]


def test_a_public_change_shows_at_once(client, cache, proposal, users):
    client.get(f"/proposals/{proposal.id}")
    make_comment(proposal, users(), body="Popieram, ale co z magazynem energii?")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "co z magazynem energii" in page
    assert cache.hits == 0


def test_a_change_by_a_signed_in_resident_shows_to_visitors(app, client, auth, cache, proposal):
    visitor = _other_client(app)
    assert "<strong>0 poparć</strong>" in visitor.get(f"/proposals/{proposal.id}").get_data(
        as_text=True)
    auth.login_as()
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 303
    page = visitor.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).support_count == 1
    assert cache.hits == 0
    assert "<strong>1 poparcie</strong>" in page


def test_signed_in_visitors_are_never_served_nor_stored(client, auth, cache, proposal):
    auth.login_as()
    before = (cache.hits, cache.misses, len(cache))  # the login form's page was a visitor's
    client.get(f"/proposals/{proposal.id}")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "/account/logout" in page  # their own header, not a visitor's
    assert (cache.hits, cache.misses, len(cache)) == before


def test_each_visitor_gets_their_own_csrf_token(app, client, cache, proposal):
    other = _other_client(app)
    mine = TOKEN.search(client.get("/proposals").get_data(as_text=True)).group(1)
    theirs = TOKEN.search(other.get("/proposals").get_data(as_text=True)).group(1)
    assert cache.hits == 1
    assert mine != theirs
    assert cache.token_marker.decode() not in client.get("/proposals").get_data(as_text=True)
    # The token from the stored copy works: the language form posts without a CSRF error.
    response = other.post("/language", data={"locale": "en", "csrf_token": theirs}, csrf=False)
    assert response.status_code == 303


def test_pending_messages_are_neither_served_nor_stored(client, cache):
    client.get("/")
    client.post("/language", data={"locale": "en"})  # leaves a message for the next page
    page = client.get("/").get_data(as_text=True)
    assert cache.hits == 0
    assert 'role="status"' in page or "alert" in page


def test_languages_are_kept_apart(app, client, cache):
    polish = client.get("/").get_data(as_text=True)
    english_client = _other_client(app)
    english_client.post("/language", data={"locale": "en"})
    english_client.get("/")  # shows the message
    english = english_client.get("/").get_data(as_text=True)
    assert 'lang="pl"' in polish and 'lang="en"' in english


def test_fragments_and_pages_are_kept_apart(client, cache, proposal):
    full = client.get("/proposals").get_data(as_text=True)
    fragment = client.get("/proposals", headers={"HX-Request": "true",
                                                 "HX-Target": "results"}).get_data(as_text=True)
    again = client.get("/proposals").get_data(as_text=True)
    assert "<html" in full and "<html" not in fragment and "<html" in again


def test_the_random_order_is_never_shared(client, cache, proposal):
    client.get("/proposals?sort=random")
    client.get("/proposals?sort=random")
    assert (cache.hits, cache.misses) == (0, 0)


def test_a_new_day_is_a_new_page(client, cache, monkeypatch, proposal):
    client.get("/consultations")
    monkeypatch.setattr(clock, "today", lambda: date.today() + timedelta(days=1))
    client.get("/consultations")
    assert (cache.hits, cache.misses) == (0, 2)


def test_private_rows_do_not_drop_the_store(client, cache, proposal, users):
    reader = users()
    client.get("/proposals")
    before = page_cache.read_generation()
    db.session.add(Notification(user_id=reader.id, kind="reply", proposal_id=proposal.id))
    db.session.commit()
    assert page_cache.read_generation() == before
    client.get("/proposals")
    assert cache.hits == 1


def test_bulk_statements_and_deletes_count_as_changes(cache, proposal):
    from sqlalchemy import update

    before = page_cache.read_generation()
    db.session.execute(update(Proposal).values(title="Nowy tytuł"))
    db.session.commit()
    assert page_cache.read_generation() == before + 1
    db.session.delete(db.session.get(Proposal, proposal.id))
    db.session.commit()
    assert page_cache.read_generation() == before + 2


def test_a_rolled_back_change_changes_nothing(cache, proposal):
    before = page_cache.read_generation()
    db.session.get(Proposal, proposal.id).title = "Nie zapisane"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert page_cache.read_generation() == before


def test_another_worker_s_change_is_seen_within_the_check_interval(app, client, cache, proposal,
                                                                   monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    cache.check_seconds = 1.0
    cache._checked_at = float("-inf")  # forget what the real clock said when setting up
    client.get(f"/proposals/{proposal.id}")
    # Another process changes the title and raises the generation, outside this worker.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE proposals SET title = 'Zmieniony gdzie indziej'"))
        connection.execute(text("UPDATE content_generation SET value = value + 1"))
    now[0] += 0.5
    stale = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Spółdzielnia słoneczna" in stale  # within the interval: the stored copy
    now[0] += 0.6
    fresh = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Zmieniony gdzie indziej" in fresh


def test_copies_expire(client, cache, proposal, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    client.get("/proposals")
    now[0] += cache.seconds + 1
    client.get("/proposals")
    assert (cache.hits, cache.misses) == (0, 2)


def test_the_store_is_bounded(client, cache, proposal):
    cache.capacity = 2
    for page in (1, 2, 3):
        client.get(f"/proposals?page={page}")
    assert len(cache) == 2
    client.get("/proposals?page=1")  # the oldest was dropped
    assert cache.hits == 0


def test_errors_are_not_stored(client, cache):
    assert client.get("/proposals/999999").status_code == 404
    assert client.get("/proposals/999999").status_code == 404
    assert len(cache) == 0


def test_it_can_be_turned_off(app, client, cache, proposal):
    cache.seconds = 0
    client.get("/proposals")
    client.get("/proposals")
    assert (cache.hits, cache.misses, len(cache)) == (0, 0, 0)
