"""Account forms; validation lives here, not in the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from app.accounts.models import Role
from app.antispam import SpamGuard

MIN_PASSWORD = 12
MAX_PASSWORD = 256
LANGUAGES = [("pl", "Polski"), ("en", "English")]


def language_choices() -> list[SelectChoice]:
    """The interface languages, each labelled in its own language."""
    return [SelectChoice(code, label, render_kw={"lang": code}) for code, label in LANGUAGES]


def _no_control_characters(form, field) -> None:
    if field.data and any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in field.data):
        raise ValidationError(_l("Please remove special control characters."))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=254, message=_l("An email address can have at most 254 characters.")),
            Email(message=_l("Enter a valid email address, like name@example.com."),
                  check_deliverability=False),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            InputRequired(message=_l("Choose a password.")),
            Length(min=MIN_PASSWORD, max=MAX_PASSWORD,
                   message=_l("The password must have between %(min)d and %(max)d characters.",
                              min=MIN_PASSWORD, max=MAX_PASSWORD)),
        ],
        description=_l("At least %(min)d characters. A few unrelated words make a good one.",
                       min=MIN_PASSWORD),
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD},
    )


def _confirm_field(other: str) -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(message=_l("Repeat the password.")),
                    EqualTo(other, message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


def _display_name_field() -> StringField:
    return StringField(
        _l("Display name"),
        validators=[
            DataRequired(message=_l("Enter the name others will see.")),
            Length(min=2, max=80, message=_l("The name must have between 2 and 80 characters.")),
            _no_control_characters,
        ],
        filters=[_strip],
        description=_l("Shown next to your proposals and comments."),
        render_kw={"autocomplete": "nickname"},
    )


class RegistrationForm(SpamGuard, FlaskForm):
    email = _email_field()
    display_name = _display_name_field()
    password = _new_password_field()
    password_confirm = _confirm_field("password")
    consent = BooleanField(
        _l("I have read the privacy notice and agree to my data being processed as it says."),
        validators=[DataRequired(message=_l("You need to accept the privacy notice to register."))],
    )


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")),
                    Length(max=MAX_PASSWORD, message=_l("This password is too long."))],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    password_confirm = _confirm_field("password")


class ProfileForm(FlaskForm):
    display_name = _display_name_field()
    locale = SelectField(_l("Language"), choices=language_choices(),
                         validators=[DataRequired(message=_l("Choose a language."))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password.")),
                    Length(max=MAX_PASSWORD, message=_l("This password is too long."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field(_l("New password"))
    password_confirm = _confirm_field("password")


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(message=_l("Enter your password to confirm.")),
                    Length(max=MAX_PASSWORD, message=_l("This password is too long."))],
        render_kw={"autocomplete": "current-password"},
    )
    understood = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm you understand."))],
    )


class ActionForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons that post."""




class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in Role],
                       validators=[DataRequired(message=_l("Choose a role."))])
    confirm = BooleanField(
        _l("I confirm this change of role."),
        validators=[DataRequired(message=_l("Tick the box to confirm the change."))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels are looked up per request so they follow the visitor's language.
        self.role.choices = [SelectChoice(r.value, r.label) for r in Role]
