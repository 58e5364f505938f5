"""Who may do what with accounts; role decorators used by every feature."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role, User
from app.extensions import login_manager

F = TypeVar("F", bound=Callable)


def _wants_page() -> bool:
    """A plain page request (not htmx, not JSON) may be redirected to the login page."""
    if request.headers.get("HX-Request") == "true":
        return False
    return not request.accept_mimetypes.accept_json or request.accept_mimetypes.accept_html


@login_manager.unauthorized_handler
def _unauthorized():
    if not _wants_page():
        abort(403)
    flash(_("Please log in to continue."), "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    from app.accounts.services import load_user_for_session

    return load_user_for_session(token)


def login_required(view: F) -> F:
    """Signed-in users only; others go to the login page (htmx and JSON get 403)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def confirmed_required(view: F) -> F:
    """Signed-in users whose email address is confirmed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_confirmed:
            if not _wants_page():
                abort(403)
            flash(_("Please confirm your email address first: follow the link we sent you."),
                  "warning")
            return redirect(url_for("accounts.profile"))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def block_message(user: User) -> str:
    """Why and until when a blocked person cannot post, in their language."""
    return _("A moderator blocked your account from posting until %(until)s. Reason: "
             "%(reason)s. You can still read everything.",
             until=format_datetime(user.blocked_until, "short"),
             reason=user.block_reason or "—")


def posting_allowed(view: F) -> F:
    """Confirmed users who are not blocked by a moderator. A blocked person gets a page saying
    why and until when (403); an htmx request gets the same notice as a fragment (422, which
    htmx swaps in)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_blocked:
            if request.headers.get("HX-Request") == "true":
                return render_template("moderation/_blocked_notice.html",
                                       message=block_message(current_user)), 422
            return render_template("moderation/blocked.html",
                                   message=block_message(current_user)), 403
        return view(*args, **kwargs)

    return confirmed_required(wrapped)  # type: ignore[return-value]


def role_required(role: Role) -> Callable[[F], F]:
    """Users with at least this role; others signed in get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def can_manage_roles(user: User) -> bool:
    """Only administrators assign roles."""
    return user.is_authenticated and user.has_role(Role.ADMIN)
