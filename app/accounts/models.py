"""Users, their roles and their server-side login sessions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, str_enum, utcnow
from app.extensions import db


class Role(enum.StrEnum):
    """What a person may do, in increasing order of power."""

    RESIDENT = "resident"
    MODERATOR = "moderator"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.MODERATOR: _l("Moderator"),
    Role.STAFF: _l("City staff"),
    Role.ADMIN: _l("Administrator"),
}


class User(UserMixin, db.Model):
    """A person with an account. Erased accounts keep the row so contributions stay."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, length=20), default=Role.RESIDENT)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A moderator's block: the person may read but not post until then, for a public reason.
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    block_reason: Mapped[str | None] = mapped_column(String(500))

    census_entry: Mapped[CensusEntry | None] = relationship(
        foreign_keys="CensusEntry.user_id", back_populates="user", uselist=False)

    # Set when the user is loaded for a request: the login this request belongs to.
    login_token = None  # str | None, not a column

    def get_id(self) -> str | None:
        """Flask-Login keeps the opaque login token in the cookie, never the user id."""
        return self.login_token

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        """The name shown beside this person's contributions."""
        if self.is_deleted or not self.display_name:
            return str(_l("deleted user"))
        return self.display_name

    @property
    def is_blocked(self) -> bool:
        """True while a moderator's block lasts (compared with the current time)."""
        return self.blocked_until is not None and self.blocked_until > utcnow()

    @property
    def is_verified(self) -> bool:
        """True when a census entry proves this person lives in the city."""
        return self.census_entry is not None

    def has_role(self, role: Role) -> bool:
        """True when this user's role is at least `role` (admin ⊇ staff ⊇ moderator)."""
        return self.is_active and self.role.rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out, wherever it is."""

    __tablename__ = "login_sessions"
    __page_cache_neutral__ = True  # seen only by its owner: no public page changes

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VerificationMethod(enum.StrEnum):
    """How a census entry came to be tied to an account."""

    PESEL = "pesel"  # the resident typed their PESEL
    IN_PERSON = "in_person"  # a staff member checked an identity document


class CensusEntry(db.Model):
    """One person on the city's census list: a keyed hash of their PESEL, never the number.

    An entry verifies at most one account (`user_id` is unique); one without an account can
    still be recorded as having voted on paper.
    """

    __tablename__ = "census_entries"
    __page_cache_neutral__ = True  # nothing public shows who is on the census

    id: Mapped[int] = mapped_column(primary_key=True)
    pesel_hash: Mapped[str] = mapped_column(String(64), unique=True)
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="RESTRICT"), index=True)
    birth_year: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    method: Mapped[VerificationMethod | None] = mapped_column(
        str_enum(VerificationMethod, length=20))

    user: Mapped[User | None] = relationship(
        foreign_keys=[user_id], back_populates="census_entry")
    district = relationship("District")

    def age_on(self, day: date) -> int:
        """Age reached during the year of `day`: the census holds the birth year only."""
        return day.year - self.birth_year

    def __repr__(self) -> str:
        return f"<CensusEntry {self.id} user={self.user_id}>"

