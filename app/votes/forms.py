"""Forms of voting: the staff's voting settings, the paper-ballot lookup, confirmations.

The ballot itself is not a WTForms form: its fields (`proposal`, `answer-<question id>`)
depend on the consultation and are read by `services.parse_choices` and checked by
`services.check_choices`, the same checks for the review step, the cast and paper ballots.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.census import is_valid_pesel
from app.consultations.models import District
from app.votes.models import BUDGET_RULES, METHOD_LABELS, RULE_LABELS, VotingMethod
from app.votes.services import SettingsValues

MAX_AMOUNT = Decimal("999999999999.99")
MAX_QUESTIONS = 20


class _BlankIsNone:
    """An empty box means "not set", not an unreadable number."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        if valuelist:
            valuelist = [v.replace("\u00a0", "").replace(" ", "").replace(",", ".")
                         for v in valuelist]
        super().process_formdata(valuelist)  # type: ignore[misc]


class OptionalInteger(_BlankIsNone, IntegerField):
    pass


class OptionalAmount(_BlankIsNone, DecimalField):
    pass


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _amount(label, description=None) -> OptionalAmount:
    return OptionalAmount(
        label, places=2, description=description,
        validators=[Optional(), NumberRange(min=Decimal("0.01"), max=MAX_AMOUNT,
                                            message=_l("Enter an amount above zero."))])


class VotingSettingsForm(FlaskForm):
    """How a consultation votes; the district fields are added per city (`for_districts`)."""

    method = SelectField(_l("Voting method"),
                         choices=[SelectChoice(m.value, METHOD_LABELS[m]) for m in VotingMethod])
    approval_max = OptionalInteger(
        _l("Approval: most proposals a voter may choose"),
        validators=[Optional(), NumberRange(min=1, max=1000,
                                            message=_l("Enter a number from 1 to 1000."))])
    city_budget = _amount(_l("Budget: city-wide pool (zł)"),
                          _l("For the proposals placed in no district. Leave empty when "
                             "there is no city-wide pool."))
    min_picks = OptionalInteger(
        _l("Budget: fewest proposals on a ballot"),
        validators=[Optional(), NumberRange(min=0, max=1000,
                                            message=_l("Enter a number from 0 to 1000."))])
    max_picks = OptionalInteger(
        _l("Budget: most proposals on a ballot"),
        description=_l("Both pools together. Leave empty for no limit."),
        validators=[Optional(), NumberRange(min=1, max=1000,
                                            message=_l("Enter a number from 1 to 1000."))])
    tally_rule = SelectField(_l("Budget: tally rule"),
                             choices=[SelectChoice(rule, RULE_LABELS[rule])
                                      for rule in BUDGET_RULES])
    questions = TextAreaField(
        _l("Yes/no: questions"), description=_l("One question per line."),
        render_kw={"rows": 5})
    verification_required = BooleanField(_l("Only verified residents may vote"))
    minimum_age = OptionalInteger(
        _l("Minimum age on the voting day"),
        description=_l("Leave empty for no limit. Needs verified residents: the census "
                       "holds their birth year."),
        validators=[Optional(), NumberRange(min=1, max=120,
                                            message=_l("Enter an age from 1 to 120."))])
    districts = CheckboxesField(
        _l("Districts whose residents may vote"),
        description=_l("None ticked: every district."), coerce=int, validate_choice=False)

    district_ids: Sequence[int] = ()

    @classmethod
    def for_districts(cls, districts: Sequence[District], **kwargs) -> VotingSettingsForm:
        """The form with a pool amount field for each district of the city."""

        class Form(cls):  # type: ignore[valid-type, misc]
            pass

        for district in districts:
            setattr(Form, f"pool_{district.id}",
                    _amount(_l("Budget: pool for %(name)s (zł)", name=district.name)))
        form = Form(**kwargs)
        form.districts.choices = [SelectChoice(d.id, d.name) for d in districts]
        form.district_ids = [d.id for d in districts]
        return form

    def pool_fields(self):
        return [self[f"pool_{d}"] for d in self.district_ids]

    def question_lines(self) -> list[str]:
        return [line.strip() for line in (self.questions.data or "").splitlines()
                if line.strip()]

    def validate_districts(self, field) -> None:
        if any(value not in self.district_ids for value in field.data or []):
            raise ValidationError(_l("Choose districts from the list."))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules that tie fields together (empty boxes included,
        which the fields' own `Optional()` validators let through)."""
        valid = super().validate(extra_validators)
        method = self.method.data

        def fail(field, message) -> None:
            nonlocal valid
            field.errors = [*field.errors, message]
            valid = False

        if method == VotingMethod.APPROVAL.value and self.approval_max.data is None:
            fail(self.approval_max, _l("Enter how many proposals a voter may choose."))
        if (method == VotingMethod.BUDGET.value and self.city_budget.data is None
                and not self.city_budget.errors
                and all(f.data is None for f in self.pool_fields())):
            fail(self.city_budget, _l("Enter the city-wide pool or at least one district's."))
        low = self.min_picks.data or 0
        if self.max_picks.data is not None and self.max_picks.data < low:
            fail(self.max_picks, _l("The most proposals cannot be fewer than the fewest."))
        lines = self.question_lines()
        if method == VotingMethod.YES_NO.value and not lines:
            fail(self.questions, _l("Write at least one question."))
        if len(lines) > MAX_QUESTIONS:
            fail(self.questions, _l("At most 20 questions."))
        if any(len(line) > 500 for line in lines):
            fail(self.questions, _l("A question can have at most 500 characters."))
        return valid

    def values(self) -> SettingsValues:
        method = VotingMethod(self.method.data)
        return SettingsValues(
            method=method,
            approval_max=self.approval_max.data if method is VotingMethod.APPROVAL else None,
            city_budget=self.city_budget.data,
            min_picks=self.min_picks.data if self.min_picks.data is not None else 1,
            max_picks=self.max_picks.data, tally_rule=self.tally_rule.data,
            verification_required=bool(self.verification_required.data),
            minimum_age=self.minimum_age.data, districts=list(self.districts.data or []),
            pools={d: self[f"pool_{d}"].data for d in self.district_ids
                   if self[f"pool_{d}"].data is not None},
            questions=self.question_lines())

    def fill(self, values: SettingsValues) -> None:
        """Show stored settings."""
        self.method.data = values.method.value
        self.approval_max.data = values.approval_max
        self.city_budget.data = values.city_budget
        self.min_picks.data = values.min_picks
        self.max_picks.data = values.max_picks
        self.tally_rule.data = values.tally_rule
        self.verification_required.data = values.verification_required
        self.minimum_age.data = values.minimum_age
        self.districts.data = values.districts
        for district_id, amount in values.pools.items():
            if district_id in self.district_ids:
                self[f"pool_{district_id}"].data = amount
        self.questions.data = "\n".join(values.questions)


class PaperVoterForm(FlaskForm):
    """The PESEL of the person whose paper ballot staff record (from an identity document)."""

    pesel = StringField(
        _l("PESEL of the voter"),
        description=_l("From the voter's identity document. It is not stored: only looked "
                       "up on the census list."),
        validators=[InputRequired(message=_l("Enter the voter's PESEL."))],
        render_kw={"autocomplete": "off", "inputmode": "numeric"})

    def validate_pesel(self, field) -> None:
        if not is_valid_pesel(field.data or ""):
            raise ValidationError(_l("This is not a valid PESEL: check the digits."))


class ConfirmForm(FlaskForm):
    """A confirmation step: the CSRF token is all it carries."""
