"""Forms for the census import and for verification; validation lives here.

A PESEL field is never shown back filled in: views call `forget_pesel()` before rendering.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.accounts.census import is_valid_pesel, normalise_pesel
from app.consultations.services import decode_upload

PESEL_RENDER = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false",
                "maxlength": 20}


def _pesel_field(label, description) -> StringField:
    return StringField(
        label, description=description,
        validators=[DataRequired(message=_l("Enter the PESEL number."))],
        filters=[lambda value: normalise_pesel(value) if isinstance(value, str) else value],
        render_kw=PESEL_RENDER)


class PeselForm(FlaskForm):
    """A form with a PESEL: checked for eleven digits and the check digit, never re-shown."""

    def validate_pesel(self, field) -> None:
        pesel = field.data or ""
        if len(pesel) != 11 or not pesel.isascii() or not pesel.isdigit():
            raise ValidationError(_l("A PESEL has 11 digits."))
        if not is_valid_pesel(pesel):
            raise ValidationError(_l("This is not a valid PESEL number. Check the digits."))

    def forget_pesel(self) -> None:
        """Drop the number typed, so the page sent back does not contain it."""
        self.pesel.data = ""
        self.pesel.raw_data = []


class VerifyForm(PeselForm):
    pesel = _pesel_field(
        _l("Your PESEL number"),
        _l("The 11 digits from your identity card. We keep only a keyed fingerprint of it, "
           "used to find you on the city's census list."))


class InPersonForm(PeselForm):
    pesel = _pesel_field(_l("PESEL from the identity document"),
                         _l("Type it from the document the person shows you."))
    document_checked = BooleanField(
        _l("I have seen this person's identity document, and the PESEL above is the one "
           "in it."),
        validators=[DataRequired(message=_l("Tick the box to confirm you checked the "
                                            "document."))])


class FindPersonForm(FlaskForm):
    """Find an account by its email address (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    email = EmailField(
        _l("Email address of the account"),
        validators=[DataRequired(message=_l("Enter the email address of the account.")),
                    Length(max=254, message=_l("An email address can have at most 254 "
                                               "characters."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"})


class CensusImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        description=_l("UTF-8 text with the columns pesel, district and birth_year."),
        validators=[FileRequired(message=_l("Choose a CSV file to import."))],
        render_kw={"accept": ".csv,text/csv,text/plain"})

    text: str = ""

    def validate_file(self, field) -> None:
        try:
            self.text = decode_upload(field.data.read())
        except UnicodeDecodeError as error:
            raise ValidationError(_l(
                "The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")) from error
