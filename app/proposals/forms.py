"""Forms of proposals; validation lives here, not in the views."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from app.accounts.models import User
from app.antispam import SpamGuard
from app.consultations.models import Consultation, District
from app.proposals import services
from app.proposals.models import Proposal, Sector

MIN_TITLE, MAX_TITLE = 5, 200
MIN_BODY, MAX_BODY = 20, 20000
MAX_COST = Decimal("100000000000")
MAX_JOBS = 10000
MIN_GOALS, MAX_GOALS = 1, 3
MAX_COAUTHORS = 5
WHOLE_CITY = ""


class AmountError(ValueError):
    """An amount of money that cannot be read."""


def parse_amount(text: str) -> Decimal:
    """Read an amount in zloty typed the Polish or the English way.

    "250 000,50", "250000.50", "250.000,50" and "250,000.50" are all 250000.50; a lone
    comma or dot is the decimal separator, so "250,5" is 250.50.
    """
    value = re.sub(r"[\s\u00a0\u202f']", "", text or "")
    value = re.sub(r"(?i)(zł|zl|pln)$", "", value)
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        value = value.replace("." if decimal_mark == "," else ",", "")
    value = value.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise AmountError("not-a-number")
    if "." in value and len(value.rsplit(".", 1)[1]) > 2:
        raise AmountError("too-precise")
    try:
        return Decimal(value)
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules it out
        raise AmountError("not-a-number") from error


def format_amount(amount: Decimal | None) -> str:
    """An amount as the form shows it again: "250000" or "250000.50"."""
    if amount is None:
        return ""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def split_emails(text: str | None) -> list[str]:
    """Addresses separated by spaces, commas, semicolons or lines, lower case, no repeats."""
    return list(dict.fromkeys(e.lower() for e in re.split(r"[\s,;]+", text or "") if e))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _normalise_newlines(value: str | None) -> str | None:
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ProposalForm(SpamGuard, FlaskForm):
    consultation = SelectField(_l("Consultation"), validate_choice=False)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give your proposal a title.")),
                    Length(min=MIN_TITLE, max=MAX_TITLE, message=_l(
                        "The title must have between %(min)d and %(max)d characters.",
                        min=MIN_TITLE, max=MAX_TITLE))],
        filters=[_strip],
        render_kw={"maxlength": MAX_TITLE},
    )
    body = TextAreaField(
        _l("Description"),
        validators=[DataRequired(message=_l("Describe your proposal.")),
                    Length(min=MIN_BODY, max=MAX_BODY, message=_l(
                        "The description must have between %(min)d and %(max)d characters.",
                        min=MIN_BODY, max=MAX_BODY))],
        filters=[_normalise_newlines],
        description=_l(
            "What the cooperative would do, for whom, and how. You can use Markdown: "
            "**bold**, *italics*, lists starting with “- ”, headings starting with “## ”, "
            "quotes starting with “> ” and links written as [text](https://…). "
            "HTML and images are removed."),
        render_kw={"rows": 14},
    )
    sector = SelectField(_l("Sector"), validate_choice=False)
    district = SelectField(_l("District"), validate_choice=False)
    estimated_cost = StringField(
        _l("Estimated cost (PLN)"),
        filters=[_strip],
        description=_l("In zloty, for example 250 000 or 250 000,50."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    expected_jobs = StringField(
        _l("Expected jobs"),
        filters=[_strip],
        default="0",
        description=_l("How many people the cooperative would employ (0 to %(max)d).",
                       max=MAX_JOBS),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    goals = SelectMultipleField(_l("Strategy goals"), coerce=str, validate_choice=False)
    coauthors = TextAreaField(
        _l("Co-authors (optional)"),
        description=_l("Email addresses of up to %(max)d people with a confirmed account, "
                       "one per line. They can edit the proposal with you.",
                       max=MAX_COAUTHORS),
        render_kw={"rows": 3, "autocomplete": "off", "spellcheck": "false"},
    )
    save_draft = SubmitField(_l("Save draft"))
    submit_proposal = SubmitField(_l("Submit"))

    def __init__(self, *args, user: User, consultations: Sequence[Consultation] = (),
                 districts: Sequence[District] = (), goal_ids: Sequence[int] = (),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.consultations = {str(c.id): c for c in consultations}
        self.district_ids = {str(d.id) for d in districts}
        self.goal_ids = {str(goal_id) for goal_id in goal_ids}
        # Labels are built per request so they follow the visitor's language.
        self.consultation.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(str(c.id), c.title) for c in consultations]
        self.sector.choices = [SelectChoice("", _l("— choose —"))] + [
            SelectChoice(s.value, s.label) for s in Sector]
        self.district.choices = [SelectChoice(WHOLE_CITY, _l("Whole city"))] + [
            SelectChoice(str(d.id), d.name) for d in districts]
        self.cost_value: Decimal | None = None
        self.jobs_value: int | None = None
        self.coauthor_users: list[User] = []

    @classmethod
    def for_proposal(cls, proposal: Proposal, coauthors: Sequence[User],
                     chosen_goal_ids: Sequence[int], **kwargs) -> ProposalForm:
        """A form filled with a proposal's current values (a POST's data wins)."""
        form = cls(**kwargs)
        if not form.is_submitted():
            form.title.data = proposal.title
            form.body.data = proposal.body_markdown
            form.sector.data = proposal.sector.value
            form.district.data = str(proposal.district_id) if proposal.district_id else ""
            form.estimated_cost.data = format_amount(proposal.estimated_cost)
            form.expected_jobs.data = str(proposal.expected_jobs)
            form.goals.data = [str(goal_id) for goal_id in chosen_goal_ids]
            form.coauthors.data = "\n".join(user.email for user in coauthors)
        return form

    def validate_consultation(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the consultation."))
        if field.data not in self.consultations:
            raise ValidationError(_l(
                "This consultation is not accepting proposals now. Choose another one."))

    def validate_sector(self, field) -> None:
        if field.data not in Sector._value2member_map_:
            raise ValidationError(_l("Choose the sector."))

    def validate_district(self, field) -> None:
        if field.data and field.data not in self.district_ids:
            raise ValidationError(_l("Choose a district from the list, or the whole city."))

    def validate_estimated_cost(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Enter the estimated cost."))
        try:
            amount = parse_amount(field.data)
        except AmountError as error:
            if str(error) == "too-precise":
                raise ValidationError(_l("Give the cost to the grosz: at most two digits "
                                         "after the decimal comma.")) from error
            raise ValidationError(_l("Enter the cost as a number, for example "
                                     "250 000 or 250 000,50.")) from error
        if amount <= 0:
            raise ValidationError(_l("The cost must be more than zero."))
        if amount > MAX_COST:
            raise ValidationError(_l("The cost can be at most 100 billion zloty."))
        self.cost_value = amount

    def validate_expected_jobs(self, field) -> None:
        value = field.data or ""
        if not value.isdigit() or len(value) > 6 or int(value) > MAX_JOBS:
            raise ValidationError(_l("Enter a whole number from 0 to %(max)d.", max=MAX_JOBS))
        self.jobs_value = int(value)

    def validate_goals(self, field) -> None:
        chosen = list(dict.fromkeys(field.data or []))
        if any(goal_id not in self.goal_ids for goal_id in chosen):
            raise ValidationError(_l("Choose goals from the list."))
        if not MIN_GOALS <= len(chosen) <= MAX_GOALS:
            raise ValidationError(_l("Choose between %(min)d and %(max)d strategy goals.",
                                     min=MIN_GOALS, max=MAX_GOALS))
        field.data = chosen

    def validate_coauthors(self, field) -> None:
        emails = split_emails(field.data)
        if len(emails) > MAX_COAUTHORS:
            raise ValidationError(_l("You can add at most %(max)d co-authors.",
                                     max=MAX_COAUTHORS))
        if self.user.email in emails:
            raise ValidationError(_l("Do not list your own address: you are the author."))
        found = services.confirmed_users_by_email(emails)
        missing = [email for email in emails if email not in found]
        if missing:
            raise ValidationError(_l("No confirmed account with the address %(emails)s.",
                                     emails=", ".join(missing)))
        self.coauthor_users = [found[email] for email in emails]

    @property
    def wants_submit(self) -> bool:
        """The "Submit" button was pressed (any other way of sending saves a draft)."""
        return bool(self.submit_proposal.data)

    def proposal_data(self, *, with_coauthors: bool) -> services.ProposalData:
        """The validated values, for the services."""
        return services.ProposalData(
            title=self.title.data,
            body_markdown=self.body.data,
            sector=Sector(self.sector.data),
            district_id=int(self.district.data) if self.district.data else None,
            estimated_cost=self.cost_value,
            expected_jobs=self.jobs_value,
            goal_ids=[int(goal_id) for goal_id in self.goals.data],
            coauthors=self.coauthor_users if with_coauthors else None,
        )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Length(max=1000, message=_l("At most 1000 characters."))],
        filters=[_strip],
        description=_l("Shown on the proposal's page."),
        render_kw={"rows": 3},
    )
