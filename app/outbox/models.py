"""Outgoing mail waiting for delivery, or delivered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db


class OutgoingMail(db.Model):
    """One message. It stays until delivered; a failure only moves `next_attempt_at` on."""

    __tablename__ = "outgoing_mail"
    __page_cache_neutral__ = True  # mail is seen by its recipient only
    __table_args__ = (Index("ix_outgoing_mail_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The whole message as sent (RFC 5322); it may hold a link with a token, so it is never
    # logged, and is deleted once it is old and delivered (`flask outbox purge`).
    message: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Held by one sender until then, so two senders never deliver the same message twice.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} attempts={self.attempts} sent={self.sent_at}>"
