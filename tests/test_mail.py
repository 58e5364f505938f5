"""Mail: written to the outbox with the change that caused it, delivered after the commit to
the file outbox or SMTP, and never lost when SMTP fails."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.mail import send_mail
from app.outbox import services as outbox_services
from app.outbox.models import OutgoingMail


def rows() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_delivered_to_the_file_outbox_after_the_commit(app, users, outbox, caplog):
    user = users()
    with app.test_request_context(), caplog.at_level("INFO", logger="agora.mail"):
        send_mail(user.email, "mail/reset_password", "en", user=user, reset_url="http://x/y")
        assert outbox.messages == []  # not before the commit
        db.session.commit()
    [message] = outbox.to(user.email)
    assert message["Subject"] == "Choose a new password"
    assert "http://x/y" in outbox.body(message)
    assert "mail to outbox" in caplog.text
    assert "http://x/y" not in caplog.text  # links with tokens stay out of the log
    [row] = rows()
    assert row.sent_at is not None and row.attempts == 1


def test_nothing_is_sent_when_the_change_is_rolled_back(app, users, outbox):
    user = users()
    with app.test_request_context():
        send_mail(user.email, "mail/reset_password", "en", user=user, reset_url="http://x/y")
        db.session.rollback()
        db.session.commit()
    assert outbox.messages == []
    assert rows() == []


class FakeSMTP:
    """Records what it is asked to do; `failing` makes the connection fail as a down server."""

    failing = False
    log: list = []
    done = threading.Event()

    def __init__(self, host, port, timeout):
        if FakeSMTP.failing:
            FakeSMTP.done.set()
            raise ConnectionRefusedError(111, "Connection refused")
        self.log.append(("connect", host, port))

    def __enter__(self):
        return self

    def __exit__(self, *args):
        FakeSMTP.done.set()

    def starttls(self):
        self.log.append(("starttls",))

    def login(self, user, password):
        self.log.append(("login", user))

    def send_message(self, message):
        self.log.append(("send", message["To"]))


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.failing = False
    FakeSMTP.log = []
    FakeSMTP.done = threading.Event()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=2525, MAIL_USERNAME="agora")
    return FakeSMTP


def wait_for_attempts(count: int) -> OutgoingMail:
    for _ in range(100):
        [row] = rows()
        if row.attempts >= count:
            return row
        threading.Event().wait(0.05)
    raise AssertionError("the message was not tried")


def test_smtp_when_configured(app, users, outbox, smtp):
    user = users()
    with app.test_request_context():
        send_mail(user.email, "mail/reset_password", "pl", user=user, reset_url="http://x/y")
        db.session.commit()
    assert smtp.done.wait(5)
    row = wait_for_attempts(1)
    assert smtp.log == [("connect", "smtp.example.org", 2525), ("starttls",), ("login", "agora"),
                        ("send", user.email)]
    assert row.sent_at is not None
    assert outbox.messages == []


def test_a_failed_smtp_server_delays_mail_and_never_drops_it(app, client, outbox, smtp, runner):
    smtp.failing = True
    response = client.post("/account/register", data={
        "email": "new@example.org", "display_name": "Nowa", "password": "long enough password",
        "password_confirm": "long enough password", "consent": "y"})
    assert response.status_code == 303  # the request is not broken by the mail server
    assert smtp.done.wait(5)
    row = wait_for_attempts(1)
    assert row.sent_at is None and row.recipient == "new@example.org"
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt_at > utcnow()

    # Not due yet: the sender leaves it.
    assert "sent 0, failed 0, waiting 1" in runner.invoke(args=["outbox", "send"]).output

    # Due again, server still down: one more attempt, a longer pause, still kept.
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "sent 0, failed 1, waiting 1" in runner.invoke(args=["outbox", "send"]).output
    [row] = rows()
    assert row.attempts == 2 and row.sent_at is None

    # The server is back: delivered.
    smtp.failing = False
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "sent 1, failed 0, waiting 0" in runner.invoke(args=["outbox", "send"]).output
    [row] = rows()
    assert row.sent_at is not None and row.attempts == 3
    assert ("send", "new@example.org") in smtp.log


def test_pauses_double_up_to_six_hours():
    pauses = [outbox_services.pause_after(n) for n in range(1, 15)]
    assert pauses[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(pauses) == timedelta(hours=6) == pauses[-1]


def test_a_message_held_by_one_sender_is_not_sent_by_another(app, users, outbox):
    user = users()
    with app.test_request_context():
        send_mail(user.email, "mail/reset_password", "en", user=user, reset_url="http://x/y")
        db.session.info.pop("agora_outbox_pending", None)  # keep it waiting
        db.session.commit()
    [row] = rows()
    row.claimed_until = utcnow() + timedelta(minutes=1)  # another sender holds it
    db.session.commit()
    settings = {key: app.config[key] for key in outbox_services.SMTP_SETTINGS}
    with db.session.no_autoflush:
        assert outbox_services.attempt(db.session, row.id, settings) is None
    assert outbox.messages == []
    row.claimed_until = utcnow() - timedelta(seconds=1)  # its hold has lapsed
    db.session.commit()
    assert outbox_services.attempt(db.session, row.id, settings) is True
    assert len(outbox.messages) == 1


def test_status_and_purge(app, users, runner):
    user = users()
    with app.test_request_context():
        send_mail(user.email, "mail/reset_password", "en", user=user, reset_url="http://x/y")
        db.session.commit()
    assert runner.invoke(args=["outbox", "status"]).output.startswith("0 waiting")
    [row] = rows()
    row.sent_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert "deleted 1" in runner.invoke(args=["outbox", "purge", "--days", "30"]).output
    assert rows() == []
