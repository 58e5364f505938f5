"""Administration forms; validation lives here, not in the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
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

    #: Site setting `results_second_approval` (app/results): off only for small cities.
    results_second_approval = BooleanField(
        _l("Publishing a vote's result needs a second staff member's approval"),
        description=_l("Recommended. Turn it off only if the city has a single staff member "
                       "for the platform; every publication stays in the audit log."))

    def limits(self) -> dict[str, int]:
        """The validated values by setting name."""
        return {key: int(self[key].data) for key in LIMITS}


def _reports_to_hide(form, field) -> None:
    from app.moderation.services import MAX_REPORTS_TO_HIDE

    value = field.data or ""
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_REPORTS_TO_HIDE:
        raise ValidationError(_l("Enter a whole number from 0 to %(max)d.",
                                 max=MAX_REPORTS_TO_HIDE))


class SettingsForm(PostingLimitsForm):
    """The site settings page: posting limits and how many reports hide an item."""

    reports_to_hide = StringField(
        _l("Reports that hide an item"), validators=[_reports_to_hide], filters=[_strip],
        description=_l("When this many residents have reported a proposal or comment, it is "
                       "hidden until a moderator looks at it. 0 turns this off."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 8})

    def settings(self) -> dict[str, int]:
        """Every validated value by setting name."""
        return {**self.limits(), "reports_to_hide": int(self.reports_to_hide.data)}
