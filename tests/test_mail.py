"""Mail: file outbox without SMTP, SMTP when configured."""

from __future__ import annotations

import smtplib
import threading

from app.mail import send_mail


def test_outbox_file_and_log(app, users, outbox, caplog):
    user = users()
    with app.test_request_context(), caplog.at_level("INFO", logger="agora.mail"):
        send_mail(user.email, "mail/reset_password", "en", user=user, reset_url="http://x/y")
    [message] = outbox.to(user.email)
    assert message["Subject"] == "Choose a new password"
    assert "http://x/y" in outbox.body(message)
    assert "mail to outbox" in caplog.text
    assert "http://x/y" not in caplog.text  # links with tokens stay out of the log


def test_smtp_when_configured(app, users, monkeypatch, outbox):
    sent = []
    done = threading.Event()

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *args):
            done.set()

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"]))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=2525, MAIL_USERNAME="agora")
    user = users()
    with app.test_request_context():
        send_mail(user.email, "mail/reset_password", "pl", user=user, reset_url="http://x/y")
    assert done.wait(5)
    assert sent == [("connect", "smtp.example.org", 2525), ("starttls",), ("login", "agora"),
                    ("send", user.email)]
    assert outbox.messages == []
