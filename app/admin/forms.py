"""Administration forms; validation lives here, not in the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from app.antispam import MAX_LIMIT, POSTING_LIMITS, PostingLimit

LIMITS = {limit.key: limit for limit in POSTING_LIMITS}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _whole_number(form, field) -> None:
    value = field.data or ""
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_LIMIT:
        raise ValidationError(_l("Enter a whole number from 0 to %(max)d.", max=MAX_LIMIT))


def _limit_field(limit: PostingLimit) -> StringField:
    return StringField(limit.label, validators=[_whole_number], filters=[_strip],
                       render_kw={"inputmode": "numeric", "autocomplete": "off",
                                  "size": 8})


class PostingLimitsForm(FlaskForm):
    """How much one resident may post; each field is named after its site setting."""

    proposals_per_minute = _limit_field(LIMITS["proposals_per_minute"])
    proposals_per_day = _limit_field(LIMITS["proposals_per_day"])
    comments_per_minute = _limit_field(LIMITS["comments_per_minute"])
    comments_per_day = _limit_field(LIMITS["comments_per_day"])

    def limits(self) -> dict[str, int]:
        """The validated values by setting name."""
        return {key: int(self[key].data) for key in LIMITS}
