"""Outgoing mail: SMTP when configured, otherwise a file outbox (and a line in the log)."""

from __future__ import annotations

import logging
import smtplib
import threading
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from app.db_types import utcnow

log = logging.getLogger("agora.mail")


def send_mail(to: str, template: str, locale: str | None, **context: object) -> EmailMessage:
    """Render `templates/<template>.txt` in the recipient's language and send it."""
    message = compose_mail(to, template, locale, **context)
    deliver(message)
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
    """Hand a message to SMTP, or write it to the file outbox when no server is configured."""
    if current_app.config["MAIL_SERVER"]:
        # Sent from a thread so that the time a request takes says nothing about the mail.
        settings = {k: current_app.config[k] for k in (
            "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS")}
        threading.Thread(target=_smtp_send, args=(settings, message), daemon=True).start()
    else:
        path = _write_outbox(message)
        log.info("mail to outbox: %s (%s)", message["Subject"], path.name)


def _write_outbox(message: EmailMessage) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    return path


def _smtp_send(settings: dict, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=30) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls()
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail %r", message["Subject"])
