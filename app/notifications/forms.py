"""Forms of notifications: buttons that say what they want, and the email preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import ValidationError


class ConfirmForm(FlaskForm):
    """A button that posts: the hidden field makes an empty or stray POST change nothing."""

    confirm = HiddenField()  # rendered with value="yes"

    def validate_confirm(self, field) -> None:
        if field.raw_data != ["yes"]:
            raise ValidationError(_l("Something went wrong. Please try again."))


class PreferencesForm(FlaskForm):
    replies = BooleanField(_l("Replies to my comments"))
    followed = BooleanField(_l("New comments on proposals I follow"))
    status_changes = BooleanField(_l("Status changes of my proposals"))
    # Unchecked boxes are not sent at all, so this marks a real submission of the form.
    sent = HiddenField()  # rendered with value="yes"

    def validate_sent(self, field) -> None:
        if field.raw_data != ["yes"]:
            raise ValidationError(_l("The form was incomplete. Please send it again."))
