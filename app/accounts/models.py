"""Users, their roles and their server-side login sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

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
