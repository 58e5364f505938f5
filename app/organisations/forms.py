"""Forms to ask to represent an organisation and to decide on such requests."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.organisations.models import OrganisationKind

NEW = "new"


class RepresentationRequestForm(FlaskForm):
    organisation = SelectField(
        _l("Organisation"),
        validators=[DataRequired(message=_l("Choose an organisation or add a new one."))],
    )
    name = StringField(_l("Name of the new organisation"),
                       validators=[Length(max=200, message=_l(
                           "The name can have at most 200 characters."))])
    kind = SelectField(_l("Kind of organisation"), default="", validate_choice=False)
    registry_number = StringField(
        _l("KRS, REGON or NIP number (optional)"),
        validators=[Optional(), Length(max=20, message=_l("This number is too long."))],
    )
    website = StringField(
        _l("Website (optional)"),
        validators=[Optional(), Length(max=300, message=_l("The address is too long."))],
    )
    role_in_organisation = StringField(
        _l("Your role in the organisation"),
        validators=[DataRequired(message=_l("Say what your role is, e.g. board member.")),
                    Length(max=120, message=_l("At most 120 characters."))],
    )

    def __init__(self, organisations, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [
            SelectChoice("", _l("— choose —")),
            *(SelectChoice(str(o.id), o.name) for o in organisations),
            SelectChoice(NEW, _l("A new organisation, not on this list")),
        ]
        self.kind.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(k.value, k.label) for k in OrganisationKind]

    def validate_name(self, field) -> None:
        if self.organisation.data == NEW and not (field.data or "").strip():
            raise ValidationError(_l("Enter the name of the new organisation."))

    def validate_kind(self, field) -> None:
        if self.organisation.data == NEW and not field.data:
            raise ValidationError(_l("Choose the kind of organisation."))
        if field.data and field.data not in {k.value for k in OrganisationKind}:
            raise ValidationError(_l("Choose one of the kinds listed."))

    def validate_registry_number(self, field) -> None:
        digits = re.sub(r"[\s-]", "", field.data or "")
        if digits and (not digits.isdigit() or len(digits) not in (9, 10, 14)):
            raise ValidationError(_l(
                "A KRS or NIP number has 10 digits, a REGON number 9 or 14."))
        field.data = digits or None

    def validate_website(self, field) -> None:
        value = (field.data or "").strip()
        if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value):
            raise ValidationError(_l("Enter an address starting with https://"))
        field.data = value or None


class DecisionForm(FlaskForm):
    decision_note = TextAreaField(
        _l("Note to the applicant"),
        validators=[Length(max=500, message=_l("At most 500 characters."))],
        description=_l("Required when rejecting; the applicant sees it."),
    )
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.approve.data or self.reject.data):
            self.decision_note.errors.append(_l("Choose whether to approve or reject."))
            return False
        return True

    def validate_decision_note(self, field) -> None:
        if self.reject.data and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason for rejecting."))
