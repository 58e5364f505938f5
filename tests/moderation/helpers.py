"""Reading and tampering with the audit log in tests."""

from __future__ import annotations

from sqlalchemy import select, text

from app.accounts.models import Role, User
from app.extensions import db
from app.moderation.audit import record
from app.moderation.models import AuditEntry
from tests.conftest import make_user


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    """The log from its first entry, optionally of one kind of action."""
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def audit_actions() -> list[str]:
    """The action codes in the log, oldest first."""
    return [entry.action for entry in audit_entries()]


def last_entry() -> AuditEntry:
    entries = audit_entries()
    assert entries, "the audit log is empty"
    return entries[-1]


def write_chain(count: int, actor: User | None = None) -> list[AuditEntry]:
    """`count` committed entries by a moderator (district renames with public reasons)."""
    actor = actor or make_user(Role.MODERATOR, name="Monika Moderatorka")
    for number in range(1, count + 1):
        record(actor, "district.rename", "district", number, reason=f"Powód {number}",
               details={"from": f"Stara {number}", "to": f"Nowa {number}"})
        db.session.commit()
    return audit_entries()


def raw(sql: str, **params) -> None:
    """Change the database behind the app's back, as someone with direct access could."""
    db.session.execute(text(sql), params)
    db.session.commit()
    db.session.expire_all()
