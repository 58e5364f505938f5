"""Account logic: registration, tokens, login sessions, passwords, personal data."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from app.accounts.models import LoginSession, Role, User
from app.db_types import utcnow
from app.extensions import db
from app.mail import send_mail

CONFIRM_SALT = "agora.confirm-email"
RESET_SALT = "agora.reset-password"
# Last-seen times are written at most this often, so reading pages does not write every time.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class AccountError(Exception):
    """A request about an account that cannot be carried out; the message is for the user."""


# --- passwords -----------------------------------------------------------------------------

def init_password_hasher(app: Flask) -> None:
    """Create the argon2id hasher with this app's cost settings."""
    hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )
    app.extensions["agora.password_hasher"] = hasher
    # Verifying against this keeps unknown-email logins as slow as known ones.
    app.extensions["agora.dummy_hash"] = hasher.hash(secrets.token_urlsafe(16))


def _hasher() -> PasswordHasher:
    return current_app.extensions["agora.password_hasher"]


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password, spending the same time whether or not the user exists."""
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        _hasher().verify(stored or current_app.extensions["agora.dummy_hash"], password)
    except (VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if _hasher().check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    return True


# --- lookups ---------------------------------------------------------------------------------

def normalize_email(email: str) -> str:
    """Emails are compared trimmed and in lower case."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The live account with this address, if any."""
    return db.session.scalar(
        select(User).where(User.email == normalize_email(email), User.deleted_at.is_(None))
    )


# --- tokens ----------------------------------------------------------------------------------

def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_confirmation_token(user: User) -> str:
    """A signed token that confirms this user's current address."""
    return _serializer(CONFIRM_SALT).dumps({"uid": user.id, "email": user.email})


def make_reset_token(user: User) -> str:
    """A signed token that works until the password changes or it expires."""
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def _load_token(token: str, salt: str, max_age: int) -> dict[str, Any] | None:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None


# --- registration and confirmation -----------------------------------------------------------

def register_user(email: str, display_name: str, password: str, locale: str) -> User | None:
    """Create an unconfirmed account and mail a confirmation link.

    When the address is taken, mail its owner instead and return None; the visitor sees the
    same page either way, so the form cannot be used to find out who has an account.
    """
    password_hash = hash_password(password)  # always, so both paths take the same time
    existing = find_user_by_email(email)
    if existing is not None:
        send_mail(
            existing.email, "mail/already_registered", existing.locale or locale,
            user=existing, login_url=url_for("accounts.login", _external=True),
            reset_url=url_for("accounts.reset_request", _external=True),
        )
        db.session.commit()
        return None
    now = utcnow()
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=password_hash,
        locale=locale,
        privacy_consent_at=now,
        role=Role.RESIDENT,
    )
    db.session.add(user)
    db.session.flush()
    _send_confirmation(user)
    db.session.commit()
    return user


def _send_confirmation(user: User) -> None:
    token = make_confirmation_token(user)
    send_mail(
        user.email, "mail/confirm_email", user.locale,
        user=user, confirm_url=url_for("accounts.confirm_email", token=token, _external=True),
    )


def resend_confirmation(user: User) -> None:
    """Mail a fresh confirmation link to an unconfirmed user."""
    if not user.is_confirmed:
        _send_confirmation(user)
        db.session.commit()


def confirm_email(token: str) -> User | None:
    """Mark the address in the token confirmed; None for a bad, old or stale token."""
    data = _load_token(token, CONFIRM_SALT, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    if data is None:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.is_deleted or user.email != data.get("email"):
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


# --- login sessions --------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None (same time either way)."""
    user = find_user_by_email(email)
    if verify_password(user, password):
        db.session.commit()  # keeps a rehashed password
        return user
    return None


def start_login_session(user: User) -> str:
    """Record a new signed-in browser and return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    idle_limit = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    db.session.execute(delete(LoginSession).where(  # this user's abandoned logins
        LoginSession.user_id == user.id, LoginSession.last_seen_at < utcnow() - idle_limit))
    db.session.add(LoginSession(user_id=user.id, token_hash=_token_hash(token)))
    db.session.commit()
    user.login_token = token
    return token


def load_user_for_session(token: str) -> User | None:
    """The user behind a login token, unless it was ended or has been idle too long."""
    login = db.session.scalar(select(LoginSession).where(
        LoginSession.token_hash == _token_hash(token)))
    if login is None:
        return None
    now = utcnow()
    idle_limit = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if now - login.last_seen_at > idle_limit:
        db.session.delete(login)
        db.session.commit()
        return None
    user = db.session.get(User, login.user_id)
    if user is None or not user.is_active:
        return None
    if now - login.last_seen_at > LAST_SEEN_RESOLUTION:
        login.last_seen_at = now
        db.session.commit()
    user.login_token = token
    return user


def end_login_session(token: str | None) -> None:
    """Sign one browser out on the server."""
    if token:
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
        db.session.commit()


def end_other_sessions(user: User, keep_token: str | None = None) -> None:
    """Sign out every browser of this user except, optionally, the current one."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token:
        query = query.where(LoginSession.token_hash != _token_hash(keep_token))
    db.session.execute(query)


def count_login_sessions(user: User) -> int:
    """How many browsers are signed in as this user."""
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    ) or 0


# --- password reset and change ---------------------------------------------------------------

def request_password_reset(email: str, locale: str) -> None:
    """Mail a reset link if the address has an account, and otherwise a note that it has none.

    The visitor sees the same page either way, and since both paths compose, store and send one
    message the answer takes as long, so the form cannot tell who has an account.
    """
    user = find_user_by_email(email)
    if user is None:
        send_mail(normalize_email(email), "mail/reset_no_account", locale,
                  register_url=url_for("accounts.register", _external=True))
    else:
        token = make_reset_token(user)
        send_mail(
            user.email, "mail/reset_password", user.locale or locale,
            user=user, reset_url=url_for("accounts.reset_password", token=token,
                                         _external=True),
        )
    db.session.commit()


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token is for, while it is unused and fresh."""
    data = _load_token(token, RESET_SALT, current_app.config["RESET_TOKEN_MAX_AGE"])
    if data is None:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.is_deleted or data.get("pw") != _password_fingerprint(user):
        return None
    return user


def reset_password(user: User, new_password: str) -> None:
    """Set a new password from a reset link; every browser is signed out."""
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the reset link proved the address
    end_other_sessions(user)
    db.session.commit()


def change_password(user: User, current: str, new_password: str) -> None:
    """Change the password of a signed-in user; other browsers are signed out."""
    if not verify_password(user, current):
        raise AccountError("current-password")
    user.password_hash = hash_password(new_password)
    end_other_sessions(user, keep_token=user.login_token)
    db.session.commit()


# --- profile and personal data ---------------------------------------------------------------

def update_profile(user: User, display_name: str, locale: str) -> None:
    """Save the name shown on contributions and the preferred language."""
    user.display_name = display_name.strip()
    user.locale = locale
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    """Remember a signed-in user's language."""
    user.locale = locale
    db.session.commit()


def export_user_data(user: User) -> dict[str, Any]:
    """Everything Agora holds about this person, for download as JSON."""
    from app.inclusion.services import profile_for_export
    from app.organisations.services import representations_for_export
    from app.supports.services import supports_for_export
    from app.verification.services import verification_for_export

    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role.value,
            "language": user.locale,
            "created_at": user.created_at.isoformat(),
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "privacy_consent_at": _iso(user.privacy_consent_at),
        },
        "signed_in_browsers": count_login_sessions(user),
        "residence_verification": verification_for_export(user),
        "organisation_representations": representations_for_export(user),
        **supports_for_export(user),
        **_contributions_for_export(user),
        "inclusion_profile": profile_for_export(user),
        "exported_at": utcnow().isoformat(),
    }


def _contributions_for_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The user's proposals, comments and follows."""
    from app.discussion.models import Comment
    from app.notifications.models import Follow
    from app.proposals.models import Proposal

    proposals = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.status, Proposal.created_at)
        .where(Proposal.author_id == user.id).order_by(Proposal.created_at)).all()
    comments = db.session.execute(
        select(Comment.id, Comment.proposal_id, Comment.stance, Comment.body, Comment.created_at)
        .where(Comment.author_id == user.id, Comment.deleted_at.is_(None))
        .order_by(Comment.created_at)).all()
    follows = db.session.scalars(
        select(Follow.proposal_id).where(Follow.user_id == user.id).order_by(Follow.id)).all()
    return {
        "proposals": [{"id": i, "title": t, "status": str(st), "created_at": at.isoformat()}
                      for i, t, st, at in proposals],
        "comments": [{"id": i, "proposal_id": p, "stance": str(st), "text": b,
                      "written_at": at.isoformat()} for i, p, st, b, at in comments],
        "following_proposals": list(follows),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def delete_account(user: User, password: str) -> None:
    """Erase personal data; the row stays so contributions show as by a deleted user."""
    from app.moderation.audit import forget_actor
    from app.organisations.services import forget_representations
    from app.verification.services import release_census_entry

    if not verify_password(user, password):
        raise AccountError("current-password")
    if user.role is Role.ADMIN and _admin_count() <= 1:
        raise AccountError("last-admin")
    forget_representations(user)
    release_census_entry(user)  # the entry stays on the city's list, free for a new account
    _forget_activity(user)
    forget_actor(user)
    end_other_sessions(user)
    user.email = f"deleted-{user.id}-{secrets.token_hex(8)}@invalid"
    user.display_name = None
    user.password_hash = None
    user.locale = None
    user.privacy_consent_at = None
    user.email_confirmed_at = None
    user.role = Role.RESIDENT
    user.deleted_at = utcnow()
    db.session.commit()


def _forget_activity(user: User) -> None:
    """Drop what only concerns the person: pledges as a natural person, follows, notifications
    and mail preferences. Supports stay in the counts; proposals and comments stay, signed as
    a deleted user."""
    from app.inclusion.services import forget_person
    from app.notifications.models import EmailPreferences, Follow, Notification
    from app.supports.services import forget_pledges

    forget_pledges(user)
    forget_person(user)
    for model in (Follow, Notification, EmailPreferences):
        db.session.execute(delete(model).where(model.user_id == user.id))


# --- roles -----------------------------------------------------------------------------------

def _admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == Role.ADMIN, User.deleted_at.is_(None))
    ) or 0


def assign_role(user: User, role: Role, admin: User) -> None:
    """Give a user a role, by an administrator; the last administrator cannot be demoted."""
    from app.moderation.audit import record

    if user.is_deleted:
        raise AccountError("deleted")
    if user.role is Role.ADMIN and role is not Role.ADMIN and _admin_count() <= 1:
        raise AccountError("last-admin")
    old_role, user.role = user.role, role
    if role is not old_role:
        record(admin, "user.role", "user", user.id,
               details={"from": old_role.value, "to": role.value})
    db.session.commit()


def create_admin(email: str, display_name: str, password: str, locale: str = "pl") -> User:
    """Create a confirmed administrator, or promote the account with this address.

    Run from the command line, so the audit log records the platform as the actor.
    """
    from app.moderation.audit import record

    user = find_user_by_email(email)
    now = utcnow()
    old_role = user.role if user is not None else None
    if user is None:
        user = User(email=normalize_email(email), display_name=display_name.strip(), locale=locale)
        db.session.add(user)
        db.session.flush()
    user.password_hash = hash_password(password)
    user.role = Role.ADMIN
    user.email_confirmed_at = user.email_confirmed_at or now
    user.privacy_consent_at = user.privacy_consent_at or now
    if old_role is not Role.ADMIN:
        record(None, "user.role", "user", user.id,
               details={"from": old_role.value if old_role else None, "to": Role.ADMIN.value})
    db.session.commit()
    return user
