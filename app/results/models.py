"""A publication of a vote's result, and the files published with it.

A publication is proposed by one staff member and, unless the site setting
`results_second_approval` is off, approved by another; only then is it public
(`published_at`). Published rows are never edited: a correction is a new publication with the
next number that `supersedes` the previous one and says what changed. The files (ballots as
Pabulib `.pb` per pool, and as CSV) are generated when the publication is approved and their
bytes are stored, so the SHA-256 shown on the results page never changes.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db

#: Site setting: whether publishing needs a second staff member's approval (default: yes).
SECOND_APPROVAL_SETTING = "results_second_approval"


class Answer(enum.StrEnum):
    """The city's official answer to a proposal on the ballot."""

    FUNDED = "funded"
    NOT_FUNDED = "not_funded"
    REJECTED = "rejected"  # with a reason
    OTHERWISE = "otherwise"  # to be implemented otherwise (another budget, a city unit)

    @property
    def label(self) -> str:
        return str(ANSWER_LABELS[self])


ANSWER_LABELS = {
    Answer.FUNDED: _l("Funded"),
    Answer.NOT_FUNDED: _l("Not funded"),
    Answer.REJECTED: _l("Rejected"),
    Answer.OTHERWISE: _l("To be implemented otherwise"),
}


class Publication(db.Model):
    """One proposed or published result of a consultation's vote (see the module)."""

    __tablename__ = "result_publications"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: 1 for the first publication, 2, 3, ... for corrections (set when it is published).
    number: Mapped[int | None] = mapped_column(Integer)
    #: The tally as published: rule, ballots online and on paper, selected, pools, turnout.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: {"<proposal id>": {"answer": Answer value, "reason": str}} for every proposal on the ballot.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    change_summary: Mapped[str | None] = mapped_column(Text)
    #: What differs from the publication this one supersedes: [{"proposal_id", "from", "to"}].
    changes: Mapped[list[Any] | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("result_publications.id", ondelete="SET NULL"))

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PublishedFile(db.Model):
    """A file published with a result: its bytes and their SHA-256, fixed at publication."""

    __tablename__ = "result_files"
    __table_args__ = (UniqueConstraint("publication_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("result_publications.id", ondelete="CASCADE"), index=True)
    #: ballots-city.pb, ballots-district-<id>.pb, ballots.csv
    name: Mapped[str] = mapped_column(String(80))
    #: "city", the district id as text, or "" for a file of every pool.
    pool: Mapped[str] = mapped_column(String(20), default="")
    media_type: Mapped[str] = mapped_column(String(80))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
