"""Forms of moderation: reporting, the moderators' actions with their reasons, review, merge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import ValidationError

from app.moderation.models import REPORT_REASON_LABELS, ReportReason

MAX_DETAILS = 1000
MIN_REASON = 3
MAX_REASON = 500
#: How long a block may last, in days (the moderator picks one).
BLOCK_DAYS = (1, 3, 7, 30, 90, 365)


def _normalise_text(value: str | None) -> str:
    """Unix line endings, no surrounding blank space."""
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_characters(text: str) -> None:
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise ValidationError(_l("Please remove special control characters."))


class ReportForm(FlaskForm):
    """A resident's report: a reason from the list, and words of their own for "other"."""

    reason = RadioField(_l("What is wrong?"), validate_choice=False,
                        choices=[SelectChoice(r.value, REPORT_REASON_LABELS[r])
                                 for r in ReportReason])
    details = TextAreaField(_l("Tell the moderators more"), filters=[_normalise_text],
                            description=_l("Required when you choose “Something else”; at most "
                                           "%(max)d characters. Only moderators read it.",
                                           max=MAX_DETAILS))

    def validate_reason(self, field) -> None:
        if field.data not in {r.value for r in ReportReason}:
            raise ValidationError(_l("Choose what is wrong."))

    def validate_details(self, field) -> None:
        if self.reason.data == ReportReason.OTHER and not field.data:
            raise ValidationError(_l("Describe the problem in a few words."))
        if len(field.data) > MAX_DETAILS:
            raise ValidationError(_l("Write at most %(max)d characters; you wrote %(length)d.",
                                     max=MAX_DETAILS, length=len(field.data)))
        _check_characters(field.data)

    @property
    def report_reason(self) -> ReportReason:
        return ReportReason(self.reason.data)


class ReasonForm(FlaskForm):
    """A moderator's action with a public reason (hide, lock, block)."""

    reason = TextAreaField(_l("Public reason"), filters=[_normalise_text],
                           description=_l("Shown to everyone and written to the moderation "
                                          "log; %(min)d to %(max)d characters. Do not repeat "
                                          "personal data.", min=MIN_REASON, max=MAX_REASON))
    reason_required = True

    def validate_reason(self, field) -> None:
        if not field.data:
            if self.reason_required:
                raise ValidationError(_l("Give the reason for this action."))
            return
        if len(field.data) < MIN_REASON:
            raise ValidationError(_l("Write at least %(min)d characters.", min=MIN_REASON))
        if len(field.data) > MAX_REASON:
            raise ValidationError(_l("Write at most %(max)d characters; you wrote %(length)d.",
                                     max=MAX_REASON, length=len(field.data)))
        _check_characters(field.data)


class OptionalReasonForm(ReasonForm):
    """An action whose reason may be left out (restore, dismiss, unlock, unblock)."""

    reason = TextAreaField(_l("Reason (optional)"), filters=[_normalise_text],
                           description=_l("Written to the public moderation log; at most "
                                          "%(max)d characters.", max=MAX_REASON))
    reason_required = False


class BlockForm(ReasonForm):
    """Block a resident from posting for a period, with a reason they see."""

    days = SelectField(_l("For how long"), validate_choice=False, choices=[
        SelectChoice(str(days), _l("%(num)d days", num=days) if days > 1 else _l("1 day"))
        for days in BLOCK_DAYS])

    def validate_days(self, field) -> None:
        if field.data not in {str(days) for days in BLOCK_DAYS}:
            raise ValidationError(_l("Choose how long the block lasts."))


class ReviewForm(FlaskForm):
    """A moderator's decision on a submitted proposal."""

    decision = RadioField(_l("Decision"), validate_choice=False, choices=[
        SelectChoice("accept", _l("Accept for the vote")),
        SelectChoice("reject", _l("Reject")),
        SelectChoice("changes", _l("Send back to the authors for changes")),
    ])
    reason = TextAreaField(_l("Reason or requested changes"), filters=[_normalise_text],
                           description=_l("Required to reject or to ask for changes; shown on "
                                          "the proposal's page. At most %(max)d characters.",
                                          max=MAX_REASON))

    def validate_decision(self, field) -> None:
        if field.data not in {"accept", "reject", "changes"}:
            raise ValidationError(_l("Choose a decision."))

    def validate_reason(self, field) -> None:
        if self.decision.data in {"reject", "changes"} and not field.data:
            raise ValidationError(_l("Give the reason, or say what should change."))
        if len(field.data) > MAX_REASON:
            raise ValidationError(_l("Write at most %(max)d characters; you wrote %(length)d.",
                                     max=MAX_REASON, length=len(field.data)))
        _check_characters(field.data)


class MergeForm(OptionalReasonForm):
    """Merge this proposal into another one of the same consultation."""

    into = SelectField(_l("Merge into"), validate_choice=False)

    def __init__(self, candidates, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.id): p for p in candidates}
        self.into.choices = [SelectChoice("", _l("Choose a proposal"))] + [
            SelectChoice(str(p.id), f"#{p.id} {p.title}") for p in candidates]

    def validate_into(self, field) -> None:
        if field.data not in self.candidates:
            raise ValidationError(_l("Choose the proposal to merge into."))

    @property
    def target(self):
        return self.candidates[self.into.data]
