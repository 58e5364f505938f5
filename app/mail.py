"""Outgoing mail: composed here in the recipient's language, then put in the outbox
(app/outbox), which delivers it by SMTP when configured, otherwise to a file folder."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

from app.outbox.services import enqueue


def send_mail(to: str, template: str, locale: str | None, **context: object) -> EmailMessage:
    """Render `templates/<template>.txt` in the recipient's language and put it in the outbox.

    It is delivered after the caller's transaction commits, and never if it rolls back."""
    message = compose_mail(to, template, locale, **context)
    enqueue(message)
    return message


def compose_mail(to: str, template: str, locale: str | None, **context: object) -> EmailMessage:
    """Render a message without sending it; the first line of the template is the subject."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"{template}.txt", **context)
    subject, _, body = rendered.lstrip().partition("\n")
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject.strip()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="agora.local")
    message.set_content(body.strip() + "\n")
    return message


def deliver(message: EmailMessage) -> None:
    """Put an already composed message in the outbox (the caller commits)."""
    enqueue(message)
