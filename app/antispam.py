"""Anti-spam: a honeypot and a minimum fill time on public forms, posting limits per user.

Forms that strangers can fill in (registration, proposals, comments) mix in `SpamGuard`: a
text field that people never see and leave empty, and a signed note of when the form was
shown. A submission that fills the trap, comes back faster than a person can type, or
carries no valid note is refused with one plain message that does not say which check
failed, and the form comes back with everything typed.

Posting limits count a user's own proposals and comments in the database (their
`created_at`), so they hold across workers and restarts; administrators set them on the
site settings page, and moderators, city staff and administrators are not limited.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import format_datetime, gettext, ngettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from wtforms import HiddenField, StringField

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from sqlalchemy.orm import InstrumentedAttribute

log = logging.getLogger("agora.antispam")

_SALT = "agora.form-started"
#: Several app servers' clocks may differ a little; a note from further ahead is not ours.
CLOCK_SKEW_SECONDS = 5

SPAM_MESSAGE = _l("We could not accept the form this time. Check what you entered, "
                  "wait a few seconds and send it again.")


# -- when the form was shown ------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_form_token(issued_at: float | None = None) -> str:
    """A signed note of the moment a form is shown (now, unless given as a Unix time)."""
    moment = time.time() if issued_at is None else issued_at
    return _serializer().dumps({"t": round(moment * 1000)})


def token_issued_at(token: str | None) -> float | None:
    """When a note was issued (Unix time), or None for a missing or forged one."""
    if not token or len(token) > 200:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("t"), int):
        return None
    return payload["t"] / 1000


def _timing_checked() -> bool:
    """A minimum fill time of 0 turns the timing check off (the test configuration does)."""
    return current_app.config["FORM_MIN_FILL_SECONDS"] > 0


def fill_time_problem(token: str | None, now: float | None = None) -> str | None:
    """Why the form's timing looks automated ("missing", "forged", "expired", "too-fast")."""
    if not _timing_checked():
        return None
    if not token:
        return "missing"
    issued = token_issued_at(token)
    if issued is None:
        return "forged"
    elapsed = (time.time() if now is None else now) - issued
    if elapsed > current_app.config["FORM_MAX_AGE_SECONDS"] or elapsed < -CLOCK_SKEW_SECONDS:
        return "expired"
    if elapsed < current_app.config["FORM_MIN_FILL_SECONDS"]:
        return "too-fast"
    return None


class FormStartedField(HiddenField):
    """The signed time the form was shown, issued when it is rendered.

    A form shown again after an error keeps its original note when that note is still
    valid, so a person correcting one field is not held back by the minimum fill time.
    """

    def _value(self) -> str:
        if token_issued_at(self.data) is not None and fill_time_problem(self.data) != "expired":
            return self.data
        return issue_form_token()


class SpamGuard:
    """Form mixin: a honeypot and a minimum fill time, checked with the other fields.

    After `validate()`, `spam_refused` says whether the submission looked automated;
    `refusal` is a message for the whole form (this one, or one a view sets, such as a
    posting limit), shown at the top of the form by the templates.
    """

    # The trap has an ordinary name that bots fill in; templates/_partials/forms.html
    # (spam_guard) renders it off screen, aria-hidden, out of the tab order, never autofilled.
    website = StringField(_l("Leave this field empty"))
    form_started = FormStartedField()

    spam_refused: bool = False
    refusal: str | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        problem = "honeypot" if self.website.data else fill_time_problem(self.form_started.data)
        if problem:
            log.info("form %s refused as automated: %s", type(self).__name__, problem)
            self.spam_refused = True
            self.refusal = str(SPAM_MESSAGE)
            self.website.data = ""
        return valid and not problem


# -- posting limits ---------------------------------------------------------------------------

PROPOSALS = "proposals"
COMMENTS = "comments"


@dataclass(frozen=True)
class PostingLimit:
    """How many proposals or comments one person may post within a sliding window."""

    key: str           # the site setting's name
    kind: str          # PROPOSALS or COMMENTS
    window: timedelta
    default: int
    label: Any         # lazy text for the settings page

    def value(self) -> int:
        """The administrators' setting, or the default; 0 turns the limit off."""
        from app.admin.services import get_setting  # app.admin's views import the forms

        value = get_setting(self.key, self.default)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
            else self.default

    def sentence(self, count: int) -> str:
        """The limit in words, in the visitor's language."""
        if self.kind == PROPOSALS and self.window < timedelta(days=1):
            return ngettext("You can post at most %(num)d proposal per minute.",
                            "You can post at most %(num)d proposals per minute.", count)
        if self.kind == PROPOSALS:
            return ngettext("You can post at most %(num)d proposal in 24 hours.",
                            "You can post at most %(num)d proposals in 24 hours.", count)
        if self.window < timedelta(days=1):
            return ngettext("You can post at most %(num)d comment per minute.",
                            "You can post at most %(num)d comments per minute.", count)
        return ngettext("You can post at most %(num)d comment in 24 hours.",
                        "You can post at most %(num)d comments in 24 hours.", count)


MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
POSTING_LIMITS = (
    PostingLimit("proposals_per_minute", PROPOSALS, MINUTE, 2, _l("Proposals per minute")),
    PostingLimit("proposals_per_day", PROPOSALS, DAY, 10, _l("Proposals per 24 hours")),
    PostingLimit("comments_per_minute", COMMENTS, MINUTE, 5, _l("Comments per minute")),
    PostingLimit("comments_per_day", COMMENTS, DAY, 50, _l("Comments per 24 hours")),
)
MAX_LIMIT = 100_000


class PostingLimitReached(Exception):
    """A user has posted as many proposals or comments as a limit allows for now."""

    reason = "limit"
    status = 429

    def __init__(self, limit: PostingLimit, count: int, retry_at: datetime) -> None:
        super().__init__(limit.key)
        self.limit = limit
        self.count = count
        self.retry_at = retry_at

    @property
    def retry_after(self) -> int:
        """Whole seconds until the user may post again (for the Retry-After header)."""
        return max(1, int((self.retry_at - utcnow()).total_seconds() + 0.999))

    @property
    def message(self) -> str:
        """Which limit was reached and when posting is possible again."""
        seconds = self.retry_after
        if seconds < 120:
            again = ngettext("You can post again in %(num)d second.",
                             "You can post again in %(num)d seconds.", seconds)
        else:
            again = gettext("You can post again on %(when)s.",
                            when=format_datetime(self.retry_at, "short"))
        return f"{self.limit.sentence(self.count)} {again}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def is_exempt(user: User) -> bool:
    """Moderators, city staff and administrators post without limits."""
    return user.has_role(Role.MODERATOR)


def _serialise_posts_of(user: User) -> None:
    """Lock the user's row until the transaction ends (PostgreSQL; SQLite has one writer)."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def check_posting_limits(user: User, kind: str, author_column: InstrumentedAttribute,
                         created_column: InstrumentedAttribute) -> None:
    """Raise PostingLimitReached if `user` may not post another proposal or comment now.

    Counts the user's own rows by their creation time. Call it inside the transaction that
    writes the new row: on PostgreSQL the user's row is locked first, so two requests of one
    person at the same moment are counted one after the other.
    """
    if is_exempt(user):
        return
    limits = [(limit, value) for limit in POSTING_LIMITS
              if limit.kind == kind and (value := limit.value()) > 0]
    if not limits:
        return
    _serialise_posts_of(user)
    now = utcnow()
    widest = max(limit.window for limit, _value in limits)
    recent = db.session.scalars(
        select(created_column)
        .where(author_column == user.id, created_column > now - widest)
        .order_by(created_column.desc())
        .limit(max(value for _limit, value in limits))).all()
    reached = []
    for limit, value in limits:
        in_window = [moment for moment in recent if moment > now - limit.window]
        if len(in_window) >= value:
            # Posting is possible again once the value-th most recent post leaves the window.
            reached.append(PostingLimitReached(limit, value, in_window[value - 1] + limit.window))
    if reached:
        raise max(reached, key=lambda refusal: refusal.retry_at)
