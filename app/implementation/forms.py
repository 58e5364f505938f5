"""The staff's implementation update form (shown again read-only for confirmation)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from app import clock
from app.implementation.models import (
    IMPLEMENTATION_STATUS_LABELS,
    STAGE_LABELS,
    CooperativeStage,
    ImplementationStatus,
)

MAX_TEXT = 5000
NO_STAGE = ""


class UpdateForm(FlaskForm):
    """A dated update: status, progress, cooperative stage and what happened."""

    update_date = DateField(_l("Date of the update"),
                            validators=[InputRequired(message=_l("Enter the date."))])
    status = SelectField(_l("Status"), choices=[
        SelectChoice(s.value, label) for s, label in IMPLEMENTATION_STATUS_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the status."))])
    progress = IntegerField(
        _l("Progress (percent)"),
        validators=[InputRequired(message=_l("Enter the progress, 0 to 100.")),
                    NumberRange(min=0, max=100, message=_l("Progress is 0 to 100 percent."))])
    cooperative_stage = SelectField(
        _l("Cooperative stage"),
        description=_l("Only for projects that found a cooperative."),
        choices=[SelectChoice(NO_STAGE, _l("Not a cooperative"))]
        + [SelectChoice(s.value, label) for s, label in STAGE_LABELS.items()])
    text = TextAreaField(
        _l("What happened"), description=_l("Markdown: lists, links, emphasis."),
        validators=[DataRequired(message=_l("Describe what happened.")),
                    Length(max=MAX_TEXT, message=_l("At most %(max)d characters."))])
    confirmed = HiddenField(default="")

    def validate_update_date(self, field) -> None:
        if field.data and field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future."))

    def validate_progress(self, field) -> None:
        if self.status.data == ImplementationStatus.DONE.value and field.data != 100:
            raise ValidationError(_l("A done project is at 100 percent."))

    @property
    def values(self) -> dict:
        stage = self.cooperative_stage.data
        return {"update_date": self.update_date.data,
                "status": ImplementationStatus(self.status.data),
                "progress": self.progress.data,
                "cooperative_stage": CooperativeStage(stage) if stage else None,
                "text": self.text.data}
