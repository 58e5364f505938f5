"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns timezone-aware UTC on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.db_types.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(kind: type[enum.Enum], length: int = 30) -> Enum:
    """An enum stored as its values in a plain string column (no native type, no CHECK),
    so adding a member needs no migration; the ORM still refuses unknown values."""
    return Enum(kind, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda members: [m.value for m in members])

# Indexes made by hand in migrations (PostgreSQL full-text search) that the models do not
# describe; schema comparisons leave them alone.
UNMANAGED_INDEXES = frozenset({"ix_proposals_search"})


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic `include_object` hook: skip the hand-made indexes."""
    return not (type_ == "index" and name in UNMANAGED_INDEXES)
