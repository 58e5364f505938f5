"""The tamper-evident audit log: appending entries and verifying the chain.

The API for every feature:

``record(actor, action, target_type, target_id, reason="", details=None) -> AuditEntry``
    Append an entry for an action by a moderator, staff member or administrator (``actor``;
    ``None`` for the platform itself: an operator's command or an automatic rule). It does
    not commit: call it in the service, after the action's own changes and just before the
    one commit, so the action and its entry are written together or not at all (and the
    chain's lock is held only for the end of the transaction). ``action`` is a code of
    ``ACTION_LABELS`` and ``target_type`` one of ``TARGET_LABELS`` (app/moderation/models.py):
    add a new code there with its label. ``reason`` is public. ``details`` is public too:
    strings, integers, booleans, null, lists and objects, never personal data (an email
    address is refused); floats are refused so the serialisation stays exact.

``verify_chain() -> VerifyResult``
    Walk the log from the first entry, recompute every hash and check the numbering, the
    links and the head; the result names the first broken entry.

``forget_actor(user)``
    Erase a deleted account's name from its entries (see below).

How an entry is hashed (stable across SQLite and PostgreSQL):

    hash = SHA-256 over the UTF-8 bytes of the JSON object
        {"action", "actor_id", "actor_name_digest", "actor_role", "details", "prev_hash",
         "reason", "seq", "target_id", "target_type", "time"}
    written with sorted keys, no spaces (separators "," and ":"), non-ASCII characters as
    they are; ids are integers or null, time is UTC as "YYYY-MM-DDTHH:MM:SS.ffffffZ"
    (microseconds, as both databases store them), prev_hash is the previous entry's hash,
    and GENESIS_HASH (64 zeros) for the first entry.

The actor's name: the log keeps the display name an actor had when acting, so it stays
readable. The hash covers it through ``actor_name_digest`` = SHA-256 of the same kind of JSON
for {"name": name, "salt": salt}, with 16 random bytes of salt per entry. When a person
deletes their account, the name and the salt are erased from their entries (the role and the
account number stay, so the page shows "deleted user, Moderator"); the digest stays, so the
chain still verifies, and without the salt it cannot be used to guess the name. The verifier
accepts an erased name only for an account that is deleted.

Concurrency: appending first locks the one row of ``audit_head`` (SELECT ... FOR UPDATE on
PostgreSQL; SQLite lets one writer at a time), then reads the last number and hash from it.
The entry number is the primary key, so even without the lock two appends could never both
take the same place in the chain: one would fail instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import User
from app.db_types import utcnow
from app.extensions import db
from app.moderation.models import (
    ACTION_LABELS,
    SYSTEM_ROLE,
    TARGET_LABELS,
    AuditEntry,
    AuditHead,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy import Row

GENESIS_HASH = "0" * 64
HEAD_ID = 1
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# -- Canonical form ------------------------------------------------------------------------


def _canonical_json(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def format_time(moment: datetime) -> str:
    """A moment as the hash sees it: UTC with microseconds, e.g. 2026-05-04T09:30:00.000000Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def name_digest(name: str, salt: str) -> str:
    """The salted commitment to an actor's name that the entry's hash covers."""
    return _sha256(_canonical_json({"name": name, "salt": salt}))


def canonical_content(entry: AuditEntry | Row) -> bytes:
    """The bytes an entry's hash is computed over (from the model or a row of its table)."""
    return _canonical_json({
        "seq": entry.seq,
        "time": format_time(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "actor_name_digest": entry.actor_name_digest,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    })


def entry_hash(entry: AuditEntry | Row) -> str:
    """SHA-256 of the entry's canonical content (which includes the previous hash)."""
    return _sha256(canonical_content(entry))


# -- Appending -----------------------------------------------------------------------------


def _check_details(value: Any, where: str = "details") -> None:
    """Only exact JSON values, and no email addresses: the details are public."""
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str):
        if _EMAIL.search(value):
            raise ValueError(f"{where} holds an email address; the audit log is public")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_details(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a key that is not a string: {key!r}")
            _check_details(item, f"{where}.{key}")
        return
    raise TypeError(f"{where} is a {type(value).__name__}; use strings, integers, booleans, "
                    "null, lists and objects (write amounts as strings)")


def _head_query():
    return (select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
            .execution_options(populate_existing=True))


def _lock_head() -> AuditHead:
    """The head row, locked until the transaction ends (created on the first append)."""
    head = db.session.scalar(_head_query())
    if head is None:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(AuditHead).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH)
                           .on_conflict_do_nothing())
        head = db.session.scalar(_head_query())
    return head


def record(actor: User | None, action: str, target_type: str, target_id: int | None,
           reason: str = "", details: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append an entry to the audit log in the current transaction (the caller commits)."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}; add it to ACTION_LABELS")
    if target_type not in TARGET_LABELS:
        raise ValueError(f"unknown audit target {target_type!r}; add it to TARGET_LABELS")
    details = dict(details or {})
    _check_details(details)
    head = _lock_head()
    entry = AuditEntry(
        seq=head.seq + 1, created_at=utcnow(), action=action, target_type=target_type,
        target_id=target_id, reason=(reason or "").strip(), details=details,
        prev_hash=head.hash)
    if actor is None:
        entry.actor_role = SYSTEM_ROLE
    else:
        entry.actor_id = actor.id
        entry.actor_role = actor.role.value
        entry.actor_name = actor.display_name or ""
        entry.actor_name_salt = secrets.token_hex(16)
        entry.actor_name_digest = name_digest(entry.actor_name, entry.actor_name_salt)
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    db.session.flush()
    return entry


def forget_actor(user: User) -> None:
    """Erase a deleted account's name (and the salt that could confirm it) from its entries."""
    db.session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id)
                       .values(actor_name=None, actor_name_salt=None))


# -- Verifying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """What `verify_chain` found: how many entries it checked and the first broken one."""

    entries: int
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.ok:
            return f"{self.entries} entries, chain intact"
        where = f"entry {self.broken_seq}" if self.broken_seq is not None else "the log"
        return f"Chain broken at {where}: {self.problem}"


def _entry_problem(entry: Row, expected_seq: int, prev_hash: str,
                   actor_deleted: bool) -> tuple[int, str] | None:
    """What is wrong with one entry, given the one before it (None when it is sound)."""
    if entry.seq < expected_seq:
        return entry.seq, "entries are numbered from 1, and this one is not"
    if entry.seq > expected_seq:
        return expected_seq, (f"entry {expected_seq} is missing (the log goes from entry "
                              f"{expected_seq - 1} to entry {entry.seq})")
    if entry_hash(entry) != entry.hash:
        return entry.seq, "its content does not match its hash (it was changed after writing)"
    if entry.prev_hash != prev_hash:
        before = f"entry {entry.seq - 1}" if entry.seq > 1 else "the start of the chain"
        return entry.seq, (f"it does not link to {before} (an entry was rewritten, "
                           "removed or moved)")
    if entry.actor_name is not None:
        if not entry.actor_name_salt or \
                name_digest(entry.actor_name, entry.actor_name_salt) != entry.actor_name_digest:
            return entry.seq, "the actor's name was changed after writing"
    elif entry.actor_role != SYSTEM_ROLE and not actor_deleted:
        return entry.seq, "the actor's name was erased, but the actor's account is not deleted"
    return None


def verify_chain() -> VerifyResult:
    """Walk the whole log and check every entry; name the first broken one."""
    head = db.session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)).first()
    # Plain rows, streamed in batches: the walk never fills the session with the whole log.
    query = (select(AuditEntry.__table__, User.deleted_at.is_not(None).label("actor_deleted"))
             .outerjoin(User, User.id == AuditEntry.actor_id).order_by(AuditEntry.seq))
    if head is not None:
        # Entries appended after the head was read are not part of this check.
        query = query.where(AuditEntry.seq <= head.seq)
    count, prev_hash = 0, GENESIS_HASH
    rows = db.session.execute(query.execution_options(yield_per=500))
    try:
        for entry in rows:
            found = _entry_problem(entry, count + 1, prev_hash, bool(entry.actor_deleted))
            if found:
                return VerifyResult(count, *found)
            count, prev_hash = entry.seq, entry.hash
    finally:
        rows.close()  # a walk that stops early releases the server-side cursor
    return _check_head(head, count, prev_hash)


def _check_head(head, count: int, last_hash: str) -> VerifyResult:
    """The head must name the last entry: entries cut off the end show up here."""
    head_seq = head.seq if head is not None else 0
    if head is None and count:
        return VerifyResult(count, None, "the head of the chain (table audit_head) is missing")
    if head_seq > count:
        return VerifyResult(count, count + 1, (
            f"entry {count + 1} is missing: the log ends at entry {count}, "
            f"but the head of the chain records {head_seq} entries"))
    if head is not None and head.hash != last_hash:
        return VerifyResult(count, count, "its hash differs from the one kept in the head")
    after = db.session.scalar(select(func.min(AuditEntry.seq)).where(AuditEntry.seq > head_seq))
    if after is not None:
        now = db.session.scalar(select(AuditHead.seq).where(AuditHead.id == HEAD_ID)) or 0
        if now < after:  # not appended meanwhile through record(): written around the head
            return VerifyResult(count, after, "it lies beyond the head of the chain")
    return VerifyResult(count)
