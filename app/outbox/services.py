"""Writing mail to the outbox and delivering it.

`enqueue()` adds the message to the database session of the change that caused it, so both
are committed together or not at all. After the commit the message is tried at once (the file
outbox in the same request; SMTP on a thread, so a slow server never holds a request up); a
message that could not be delivered waits for `flask outbox send`, run by a timer, which
retries with a growing pause (1, 2, 4 … minutes, at most 6 hours) and never gives up on it.

Delivery is at least once: a message sent just before a crash, before it was marked sent, is
sent again. Two senders never hold the same message at the same time (a conditional UPDATE
claims it first).
"""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.extensions import db
from app.outbox.models import OutgoingMail

log = logging.getLogger("agora.mail")

_PENDING = "agora_outbox_pending"
CLAIM = timedelta(minutes=5)
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
SMTP_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS",
                 "MAIL_OUTBOX_DIR")


def enqueue(message: EmailMessage) -> OutgoingMail:
    """Put a message in the outbox, in the current transaction (the caller commits)."""
    row = OutgoingMail(recipient=str(message["To"]), subject=str(message["Subject"])[:300],
                       message=message.as_string(), attempts=0, next_attempt_at=utcnow())
    db.session.add(row)
    db.session.info.setdefault(_PENDING, []).append(row)
    return row


def pause_after(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: doubling, at most LONGEST_PAUSE."""
    return min(FIRST_PAUSE * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    rows = session.info.pop(_PENDING, [])
    ids = [state.identity[0] for state in map(inspect, rows) if state.identity]
    if ids and has_app_context():
        deliver_soon(current_app._get_current_object(), ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def deliver_soon(app: Flask, ids: list[int]) -> None:
    """Try these messages now: at once for the file outbox, on a thread for SMTP."""
    if app.config["MAIL_SERVER"]:
        threading.Thread(target=_attempt_in_context, args=(app, ids), daemon=True).start()
    else:
        _attempt_all(app, ids)


def _attempt_in_context(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        _attempt_all(app, ids)


def _attempt_all(app: Flask, ids: list[int]) -> None:
    settings = {key: app.config[key] for key in SMTP_SETTINGS}
    with Session(db.engine) as session:
        for mail_id in ids:
            try:
                attempt(session, mail_id, settings)
            except Exception:  # the change is committed; the message waits for the sender
                session.rollback()
                log.exception("outbox: could not try message %s", mail_id)


def attempt(session: Session, mail_id: int, settings: dict) -> bool | None:
    """Claim one message, deliver it and record the outcome; None when it was not ours."""
    now = utcnow()
    claimed = session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
               or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if claimed != 1:
        return None
    row = session.get(OutgoingMail, mail_id)
    message = email.message_from_string(row.message, policy=email.policy.default)
    row.attempts += 1
    row.claimed_until = None
    try:
        transmit(message, settings)
    except (OSError, smtplib.SMTPException) as error:
        row.next_attempt_at = utcnow() + pause_after(row.attempts)
        row.last_error = f"{type(error).__name__}: {error}"[:300]
        session.commit()
        log.warning("outbox: message %s not delivered (attempt %s), next try at %s: %s",
                    mail_id, row.attempts, row.next_attempt_at.isoformat(timespec="seconds"),
                    type(error).__name__)
        return False
    row.sent_at = utcnow()
    row.last_error = None
    session.commit()
    return True


def transmit(message: EmailMessage, settings: dict) -> None:
    """Hand a message to SMTP, or write it to the file outbox when no server is configured."""
    if settings["MAIL_SERVER"]:
        with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=30) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls()
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(settings["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to outbox: %s (%s)", message["Subject"], path.name)


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    waiting: int


def send_due(limit: int = 500) -> SendReport:
    """Deliver the messages whose time has come (for `flask outbox send`)."""
    now = utcnow()
    ids = list(db.session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now,
               or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id).limit(limit)))
    db.session.rollback()
    settings = {key: current_app.config[key] for key in SMTP_SETTINGS}
    outcomes = []
    with Session(db.engine) as session:
        for mail_id in ids:
            outcomes.append(attempt(session, mail_id, settings))
    return SendReport(sent=outcomes.count(True), failed=outcomes.count(False),
                      waiting=waiting_count())


def waiting_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail)
                             .where(OutgoingMail.sent_at.is_(None))) or 0


def oldest_waiting() -> datetime | None:
    return db.session.scalar(select(func.min(OutgoingMail.created_at))
                             .where(OutgoingMail.sent_at.is_(None)))


def purge_delivered(older_than: timedelta) -> int:
    """Delete delivered messages older than this (they hold addresses and links)."""
    result = db.session.execute(delete(OutgoingMail).where(
        OutgoingMail.sent_at.is_not(None), OutgoingMail.sent_at < utcnow() - older_than))
    db.session.commit()
    return result.rowcount
