"""Reports under concurrency (PostgreSQL): many residents at once hide an item exactly once,
and one resident's report sent many times at once is stored once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.discussion.models import Comment
from app.extensions import db
from app.moderation import services
from app.moderation.audit import verify_chain
from app.moderation.models import Report, ReportReason
from app.proposals.models import HiddenState
from tests.concurrency_fixtures import ATTEMPTS, all_at_once
from tests.conftest import make_user
from tests.moderation.helpers import audit_entries


def _report_in_threads(parallel_app, reporter_ids: list[int], comment_id: int):
    ids = iter(reporter_ids)
    lock = threading.Lock()

    def report(barrier: threading.Barrier) -> bool:
        with lock:
            reporter_id = next(ids)
        with parallel_app.app_context():
            try:
                reporter = db.session.get(User, reporter_id)
                target = services.load_target("comment", comment_id)
                barrier.wait()
                return services.file_report(reporter, target, ReportReason.SPAM)
            finally:
                db.session.remove()

    return all_at_once(report)


def _reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report)) or 0


def test_fifty_residents_at_once_hide_the_comment_once(app, parallel_app, comment):
    reporters = [make_user(Role.RESIDENT).id for _ in range(ATTEMPTS)]
    results, errors = _report_in_threads(parallel_app, reporters, comment.id)
    assert errors == []
    assert results.count(True) == 1  # exactly one report hid it: the third to commit
    assert _reports() == ATTEMPTS
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).hidden_state is HiddenState.PENDING
    entries = audit_entries("content.auto_hide")
    assert len(entries) == 1 and entries[0].details["reports"] == 3
    assert verify_chain().ok


def test_one_report_sent_fifty_times_at_once_is_stored_once(app, parallel_app, comment):
    reporter = make_user(Role.RESIDENT).id
    results, errors = _report_in_threads(parallel_app, [reporter] * ATTEMPTS, comment.id)
    assert results == [False]
    assert len(errors) == ATTEMPTS - 1
    assert all(isinstance(error, services.ModerationError) for error in errors)
    assert _reports() == 1
