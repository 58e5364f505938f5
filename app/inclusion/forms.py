"""Forms for the profile with consent, the population import and citizens' panels."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from app.consultations.forms import ConfirmForm  # noqa: F401 - the confirmation steps here
from app.inclusion import services
from app.inclusion.models import AgeBand, Gender, WorkSituation

MAX_PANEL_SIZE = 500
MAX_TEXT = 4000


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class _AnswersForm(FlaskForm):
    """The four questions the profile and a panel application ask."""

    gender = SelectField(_l("Gender"), validators=[InputRequired(_l("Choose an answer."))])
    age_band = SelectField(_l("Age"), validators=[InputRequired(_l("Choose an answer."))])
    district = SelectField(_l("District where you live"), coerce=int,
                           validators=[InputRequired(_l("Choose an answer."))])
    work_situation = SelectField(_l("What you mainly do"),
                                 validators=[InputRequired(_l("Choose an answer."))])

    def __init__(self, districts: Sequence, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        prompt = ("", _l("Choose…"))
        self.gender.choices = [prompt, *((g.value, g.label) for g in Gender)]
        self.age_band.choices = [prompt, *((a.value, a.label) for a in AgeBand)]
        self.district.choices = [(0, _l("Choose…")), *((d.id, d.name) for d in districts)]
        self.work_situation.choices = [prompt, *((w.value, w.label) for w in WorkSituation)]

    def validate_district(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose an answer."))

    def answers(self) -> dict:
        return {"gender": Gender(self.gender.data), "age_band": AgeBand(self.age_band.data),
                "district_id": self.district.data or None,
                "work_situation": WorkSituation(self.work_situation.data)}


class ProfileForm(_AnswersForm):
    consent = BooleanField(
        _l("I agree that Agora keeps these answers to count, in groups of at least ten "
           "people, who takes part compared with who lives in the city."),
        description=_l("Nobody sees your answers, staff included: they appear only in totals, "
                       "and any group of fewer than ten people is hidden. You can withdraw at "
                       "any time; your answers are then deleted at once."),
        validators=[DataRequired(_l("Tick the box to give your consent, or leave the page "
                                    "to give no profile."))])


class ApplyForm(_AnswersForm):
    consent = BooleanField(
        _l("I agree that my answers are used for the draw and published with a number "
           "instead of my name, so anyone can re-run the draw."),
        description=_l("If you are drawn, city staff see your name and contact you by email. "
                       "You can withdraw until the seed of the draw is published."),
        validators=[DataRequired(_l("Tick the box to volunteer."))])


class PopulationImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        description=_l("UTF-8 or Windows-1250 text, at most 1 MB."),
        validators=[FileRequired(message=_l("Choose a CSV file to import."))],
        render_kw={"accept": ".csv,text/csv,text/plain"})
    source = StringField(_l("Source"), filters=[_strip],
                         description=_l("For example: GUS, Bank Danych Lokalnych, 2024"),
                         validators=[DataRequired(_l("Name the source of the figures.")),
                                     Length(max=200)])

    text: str = ""

    def validate_file(self, field) -> None:
        data = field.data.read(services.MAX_IMPORT_BYTES + 1)
        if len(data) > services.MAX_IMPORT_BYTES:
            raise ValidationError(_l("The file is larger than 1 MB."))
        self.text = services.decode_upload(data)


class PanelForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[DataRequired(_l("Give the panel a title.")),
                                    Length(max=200)])
    description = TextAreaField(_l("What the panel will do"), filters=[_strip],
                                validators=[Length(max=MAX_TEXT)])
    size = IntegerField(_l("Number of members"), validators=[
        InputRequired(_l("Give the number of members.")),
        NumberRange(min=2, max=MAX_PANEL_SIZE,
                    message=_l("From 2 to %(max)s members.", max=MAX_PANEL_SIZE))])
    consultation = SelectField(_l("Consultation"), coerce=int, default=0)

    def __init__(self, consultations: Sequence, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.consultation.choices = [(0, _l("None")),
                                     *((c.id, c.title) for c in consultations)]


class QuotaRowForm(Form):
    feature = HiddenField()
    value = HiddenField()
    minimum = IntegerField(_l("At least"), validators=[
        InputRequired(_l("Give a number.")), NumberRange(min=0, max=MAX_PANEL_SIZE)])
    maximum = IntegerField(_l("At most"), validators=[
        InputRequired(_l("Give a number.")), NumberRange(min=0, max=MAX_PANEL_SIZE)])

    def validate_maximum(self, field) -> None:
        if self.minimum.data is not None and field.data is not None \
                and field.data < self.minimum.data:
            raise ValidationError(_l("At most cannot be below at least."))


class QuotasForm(FlaskForm):
    rows = FieldList(FormField(QuotaRowForm), min_entries=0, max_entries=200)


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), filters=[_strip], validators=[
        DataRequired(_l("Write a message.")), Length(max=MAX_TEXT)])


class RecommendationForm(FlaskForm):
    text = TextAreaField(_l("Recommendation"), filters=[_strip], validators=[
        DataRequired(_l("Write the recommendation.")), Length(max=MAX_TEXT)])
    proposal = SelectField(_l("About the proposal"), coerce=int, default=0)

    def __init__(self, proposals: Sequence, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposal.choices = [(0, _l("No particular proposal")),
                                 *((p.id, p.title) for p in proposals)]
