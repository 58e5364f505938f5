"""Forms for consultations, districts, strategy goals and the indicator import."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.consultations import services
from app.consultations.models import District, StrategyGoal

MAX_THRESHOLD = 100_000


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class _BlankIsNone:
    """An empty box is left to InputRequired, not reported as an unreadable value too."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)  # type: ignore[misc]


class PhaseDateField(_BlankIsNone, DateField):
    pass


class WholeNumberField(_BlankIsNone, IntegerField):
    pass


def _phase_date(label, missing) -> PhaseDateField:
    return PhaseDateField(label, validators=[InputRequired(message=missing)],
                          invalid_value_message=_l("Enter a date like 2026-03-31."))


class ConsultationForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter a title.")),
                    Length(max=200, message=_l("The title can have at most 200 characters."))])
    summary = TextAreaField(
        _l("Summary"), filters=[_strip],
        description=_l("One or two sentences, shown in the list of consultations."),
        validators=[DataRequired(message=_l("Write a short summary.")),
                    Length(max=500, message=_l("The summary can have at most 500 characters."))])
    description = TextAreaField(
        _l("Description (optional)"), filters=[_strip],
        description=_l("Plain text. Leave an empty line between paragraphs."),
        validators=[Length(max=20_000, message=_l(
            "The description can have at most 20 000 characters."))],
        render_kw={"rows": 10})
    proposals_from = _phase_date(_l("Proposals open on"),
                                 _l("Enter the day proposals open."))
    review_from = _phase_date(_l("Review starts on"), _l("Enter the day the review starts."))
    deliberation_from = _phase_date(_l("Deliberation starts on"),
                                    _l("Enter the day the deliberation starts."))
    voting_from = _phase_date(_l("Voting starts on"), _l("Enter the day voting starts."))
    results_from = _phase_date(_l("Results are published on"),
                               _l("Enter the day the results are published."))
    support_threshold = WholeNumberField(
        _l("Supports needed"),
        description=_l("How many supports move a proposal forward to the review."),
        validators=[InputRequired(message=_l("Enter how many supports a proposal needs."))],
        invalid_value_message=_l("Enter a whole number, like 50."),
        render_kw={"min": 1, "max": MAX_THRESHOLD, "inputmode": "numeric"})

    def _after(self, field, previous, message) -> None:
        if field.data and previous.data and field.data <= previous.data:
            raise ValidationError(message)

    def validate_review_from(self, field) -> None:
        self._after(field, self.proposals_from,
                    _l("The review must start after the day proposals open."))

    def validate_deliberation_from(self, field) -> None:
        self._after(field, self.review_from,
                    _l("The deliberation must start after the review starts."))

    def validate_voting_from(self, field) -> None:
        self._after(field, self.deliberation_from,
                    _l("Voting must start after the deliberation starts."))

    def validate_results_from(self, field) -> None:
        self._after(field, self.voting_from,
                    _l("The results must come after voting starts."))

    def validate_support_threshold(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= MAX_THRESHOLD:
            raise ValidationError(_l("Enter a whole number from 1 to %(max)s.",
                                     max=f"{MAX_THRESHOLD:,}".replace(",", " ")))

    def values(self) -> dict:
        """The consultation's fields, for the services."""
        return {name: getattr(self, name).data for name in services.CONSULTATION_FIELDS}


class DistrictForm(FlaskForm):
    name = StringField(
        _l("Name of the district"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the name of the district.")),
                    Length(max=120, message=_l("The name can have at most 120 characters."))])

    def __init__(self, districts: Sequence[District], current: District | None = None,
                 *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._districts = districts
        self._current = current

    def validate_name(self, field) -> None:
        if services.name_taken(field.data, self._districts, exclude=self._current):
            raise ValidationError(_l("A district with this name already exists."))


class ConfirmForm(FlaskForm):
    """The confirmation step before something is deleted; an empty post confirms nothing."""

    # No default: the value comes only from the page's form, never from a bare post.
    confirm = HiddenField()

    def validate_confirm(self, field) -> None:
        if field.data != "yes":
            raise ValidationError(_l("Confirm to continue."))


class GoalForm(FlaskForm):
    parent = SelectField(_l("Belongs to"), default="", validate_choice=False)
    code = StringField(
        _l("Code"), filters=[_strip],
        description=_l("A goal has a code like 2; its objectives continue it: 2.1, 2.2…"),
        validators=[DataRequired(message=_l("Enter a code, like 2 or 2.3.")),
                    Length(max=20, message=_l("A code can have at most 20 characters."))],
        render_kw={"spellcheck": "false", "autocomplete": "off"})
    title = StringField(
        _l("Title"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter a title.")),
                    Length(max=300, message=_l("The title can have at most 300 characters."))])
    description = TextAreaField(
        _l("Description (optional)"), filters=[_strip],
        description=_l("Plain text. Leave an empty line between paragraphs."),
        validators=[Length(max=20_000, message=_l(
            "The description can have at most 20 000 characters."))],
        render_kw={"rows": 8})

    def __init__(self, goals: Sequence[StrategyGoal], current: StrategyGoal | None = None,
                 has_objectives: bool = False, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._goals = goals
        self._current = current
        self._has_objectives = has_objectives
        self._parents = {str(goal.id): goal for goal in services.top_level_goals(goals)
                         if goal is not current}
        self.parent.choices = [SelectChoice("", _l("Nothing: this is a goal of the strategy"))] + [
            # gettext, not lazy: a lazy string is rendered as trusted HTML, and titles are not.
            SelectChoice(key, _("Goal %(code)s: %(title)s", code=goal.code, title=goal.title))
            for key, goal in self._parents.items()]

    @property
    def parent_goal(self) -> StrategyGoal | None:
        """The chosen parent goal, if any."""
        return self._parents.get(self.parent.data or "")

    @property
    def parent_id(self) -> int | None:
        parent = self.parent_goal
        return parent.id if parent else None

    def validate_parent(self, field) -> None:
        if not field.data:
            return
        if field.data not in self._parents:
            raise ValidationError(_l("Choose one of the goals listed."))
        if self._has_objectives:
            raise ValidationError(_l(
                "This goal has objectives, so it cannot become an objective itself."))

    def validate_code(self, field) -> None:
        code = field.data or ""
        if not services.CODE_PATTERN.fullmatch(code):
            raise ValidationError(_l(
                "Use numbers or letters, and for an objective a dot, like 2 or 2.3."))
        parent = self.parent_goal
        if parent is None and "." in code and not self.parent.data:
            raise ValidationError(_l(
                "A goal's code has no dot. To add an objective, choose the goal it belongs to."))
        if parent is not None and not code.startswith(parent.code + "."):
            raise ValidationError(_(
                "An objective's code starts with its goal's code and a dot, like %(example)s.",
                example=f"{parent.code}.1"))
        if any(goal.code == code for goal in self._goals if goal is not self._current):
            raise ValidationError(_l("Another goal or objective already has this code."))


class IndicatorImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        description=_l("UTF-8 text, at most 1 MB and %(rows)s rows.",
                       rows=f"{services.MAX_IMPORT_ROWS:,}".replace(",", " ")),
        validators=[FileRequired(message=_l("Choose a CSV file to import."))],
        render_kw={"accept": ".csv,text/csv,text/plain"})

    text: str = ""

    def validate_file(self, field) -> None:
        data = field.data.read(services.MAX_IMPORT_BYTES + 1)
        if len(data) > services.MAX_IMPORT_BYTES:
            raise ValidationError(_l("The file is larger than 1 MB. Split it into smaller files."))
        try:
            self.text = services.decode_upload(data)
        except UnicodeDecodeError as error:
            raise ValidationError(_l(
                "The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")) from error
