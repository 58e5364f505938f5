"""Appends under concurrency (PostgreSQL): 50 transactions at once never fork the chain."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role, User
from app.consultations import services as consultation_services
from app.consultations.models import District
from app.extensions import db
from app.moderation import audit
from app.moderation.audit import record, verify_chain
from app.moderation.models import AuditHead
from tests.concurrency_fixtures import ATTEMPTS, all_at_once
from tests.moderation.helpers import audit_entries, write_chain


def _append_in_threads(parallel_app, actor_id: int) -> tuple[list, list]:
    """ATTEMPTS threads each append one entry and commit, released at the same moment."""

    def append(barrier: threading.Barrier) -> int:
        with parallel_app.app_context():
            try:
                actor = db.session.get(User, actor_id)
                barrier.wait()
                entry = record(actor, "user.role", "user", actor_id,
                               details={"from": "resident", "to": "moderator"})
                db.session.commit()
                return entry.seq
            finally:
                db.session.remove()

    return all_at_once(append)


def _assert_linear(count: int) -> None:
    entries = audit_entries()
    assert [entry.seq for entry in entries] == list(range(1, count + 1))
    assert [entry.prev_hash for entry in entries[1:]] == [entry.hash for entry in entries[:-1]]
    result = verify_chain()
    assert result.ok and result.entries == count


def test_fifty_simultaneous_appends_stay_one_line(app, parallel_app, users):
    """Starting from an empty log, so the threads also race to create the head row."""
    admin = users(Role.ADMIN)
    seqs, errors = _append_in_threads(parallel_app, admin.id)
    assert errors == []
    assert sorted(seqs) == list(range(1, ATTEMPTS + 1))
    _assert_linear(ATTEMPTS)
    assert db.session.get(AuditHead, 1).seq == ATTEMPTS


def test_without_the_lock_the_entry_number_still_refuses_a_fork(app, parallel_app, users,
                                                                monkeypatch):
    """The lock, not luck, lets every append through; without it the losers fail on the
    entry number (the primary key) instead of branching the chain."""
    admin = users(Role.ADMIN)
    write_chain(1, admin)
    monkeypatch.setattr(audit, "_head_query", lambda: (
        select(AuditHead).where(AuditHead.id == audit.HEAD_ID)
        .execution_options(populate_existing=True)))
    seqs, errors = _append_in_threads(parallel_app, admin.id)
    assert errors, "no two appends collided"
    assert all(isinstance(error, IntegrityError) for error in errors)
    assert len(seqs) + len(errors) == ATTEMPTS
    _assert_linear(1 + len(seqs))


def test_fifty_staff_actions_at_once_each_land_with_their_entry(app, parallel_app, users):
    staff = users(Role.STAFF)
    staff_id = staff.id
    names = iter(range(ATTEMPTS))
    lock = threading.Lock()

    def add_district(barrier: threading.Barrier) -> int:
        with lock:
            number = next(names)
        with parallel_app.app_context():
            try:
                actor = db.session.get(User, staff_id)
                barrier.wait()
                return consultation_services.add_district(f"Dzielnica {number}", actor).id
            finally:
                db.session.remove()

    ids, errors = all_at_once(add_district)
    assert errors == []
    assert len(db.session.scalars(select(District)).all()) == ATTEMPTS
    entries = audit_entries("district.create")
    assert sorted(entry.target_id for entry in entries) == sorted(ids)
    _assert_linear(ATTEMPTS)
