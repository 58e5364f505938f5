"""Reports, the hidden state of content, and the audit log: one hash-chained entry per
moderator, staff or administrator action."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db

#: The role recorded when no signed-in person acted: a command run by the operator or an
#: automatic rule of the platform.
SYSTEM_ROLE = "system"

#: Every action the log knows, with its words for the public page. `record()` refuses any
#: other code, so each new kind of action comes with its label (and its translation).
ACTION_LABELS = {
    "proposal.status": _l("Changed the status of a proposal"),
    "consultation.create": _l("Opened a consultation"),
    "consultation.update": _l("Changed a consultation"),
    "district.create": _l("Added a district"),
    "district.rename": _l("Renamed a district"),
    "district.delete": _l("Deleted a district"),
    "goal.create": _l("Added a strategy goal"),
    "goal.update": _l("Changed a strategy goal"),
    "goal.delete": _l("Deleted a strategy goal"),
    "indicator.import": _l("Imported indicators"),
    "indicator.delete": _l("Deleted an indicator"),
    "representation.approve": _l("Approved a representative of an organisation"),
    "representation.reject": _l("Rejected a request to represent an organisation"),
    "user.role": _l("Changed a person's role"),
    "settings.change": _l("Changed a site setting"),
    "population.import": _l("Imported the population reference"),
    "panel.create": _l("Opened a call for a citizens' panel"),
    "panel.quotas": _l("Set the quotas of a citizens' panel"),
    "panel.seed": _l("Published the seed of a panel draw"),
    "panel.draw": _l("Drew a citizens' panel"),
    "panel.recommendation": _l("Published a panel's recommendation"),
    "census.import": _l("Imported the census list"),
    "census.verify_in_person": _l("Verified a resident in person"),
    "vote.settings": _l("Set the voting rules of a consultation"),
    "vote.paper": _l("Recorded a paper ballot"),
    "vote.close": _l("Closed a vote"),
    "content.auto_hide": _l("Hid an item pending review after reports"),
    "content.hide": _l("Hid an item"),
    "content.restore": _l("Restored a hidden item"),
    "report.dismiss": _l("Dismissed the reports about an item"),
    "discussion.lock": _l("Locked a discussion"),
    "discussion.unlock": _l("Unlocked a discussion"),
    "user.block": _l("Blocked a person from posting"),
    "user.unblock": _l("Unblocked a person"),
    "proposal.merge": _l("Merged a proposal into another"),
    "implementation.update": _l("Reported on a funded project's implementation"),
    "results.propose": _l("Proposed the result of a vote for publication"),
    "results.publish": _l("Approved and published the result of a vote"),
    "results.discard": _l("Withdrew a result waiting for approval"),
}

#: What an entry may be about, in words (for targets that no longer exist or are not public).
TARGET_LABELS = {
    "proposal": _l("Proposal"),
    "consultation": _l("Consultation"),
    "district": _l("District"),
    "goal": _l("Strategy goal"),
    "indicator": _l("Indicator"),
    "strategy": _l("City strategy"),
    "organisation": _l("Organisation"),
    "user": _l("Account"),
    "setting": _l("Site setting"),
    "population": _l("Population reference"),
    "panel": _l("Citizens' panel"),
    "census": _l("Census list"),
    "census_entry": _l("Census entry"),
    "comment": _l("Comment"),
}


class AuditEntry(db.Model):
    """One action in the append-only log, chained to the entry before it by its hash.

    `hash` is SHA-256 over the canonical form of the entry (see app/moderation/audit.py);
    the actor's name is covered through `actor_name_digest`, a salted commitment, so the
    name and its salt can be erased when the account is deleted without breaking the chain.
    """

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # RESTRICT: the hash covers the id, so no user row named by the log may disappear
    # (account deletion erases a person's data in place and keeps the row).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_name: Mapped[str | None] = mapped_column(String(80))
    actor_name_salt: Mapped[str | None] = mapped_column(String(32))
    actor_name_digest: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(50), index=True)
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.seq} {self.action}>"


class AuditHead(db.Model):
    """The end of the chain in one row: the last entry's number and hash.

    Appending locks this row first, so concurrent appends queue up instead of forking the
    chain; and it lets the verifier notice entries cut off the end of the log.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


# -- Reports and the hidden state of content -------------------------------------------------


class ReportKind(enum.StrEnum):
    """What can be reported."""

    PROPOSAL = "proposal"
    COMMENT = "comment"
    USER = "user"


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REPORT_REASON_LABELS[self])


REPORT_REASON_LABELS = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.OFFENSIVE: _l("Offensive or abusive"),
    ReportReason.OFF_TOPIC: _l("Off-topic"),
    ReportReason.PERSONAL_DATA: _l("Reveals personal data"),
    ReportReason.OTHER: _l("Something else"),
}


class Report(db.Model):
    """One resident's report of a proposal, comment or account: once per item and reporter.

    Reports are seen by moderators only and never shown publicly; `resolved_at` is set when a
    moderator acts on the item (hides, restores or dismisses), so later reports count afresh.
    """

    __tablename__ = "reports"
    __page_cache_neutral__ = True  # no public page shows reports
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        Index("ix_reports_open_target", "target_type", "target_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, length=20))
    target_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason, length=20))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

