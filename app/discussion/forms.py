"""Forms of discussion: writing a comment, up-voting, confirming a deletion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import ValidationError

from app.antispam import SpamGuard
from app.discussion.models import STANCE_LABELS, Stance

MIN_BODY = 2
MAX_BODY = 5000


def _normalise_text(value: str | None) -> str:
    """Unix line endings, no surrounding blank space."""
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 12


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), filters=[_normalise_text],
                         description=_l("Plain text, %(min)d to %(max)d characters.",
                                        min=MIN_BODY, max=MAX_BODY))
    stance = RadioField(_l("Your stance on the proposal"), validate_choice=False,
                        choices=[SelectChoice(s.value, STANCE_LABELS[s]) for s in Stance])

    def validate_body(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Write your comment."))
        if len(field.data) < MIN_BODY:
            raise ValidationError(_l("A comment needs at least %(min)d characters.",
                                     min=MIN_BODY))
        if len(field.data) > MAX_BODY:
            raise ValidationError(_l(
                "A comment can have at most %(max)d characters; yours has %(length)d.",
                max=MAX_BODY, length=len(field.data)))
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in field.data):
            raise ValidationError(_l("Please remove special control characters."))

    def validate_stance(self, field) -> None:
        if field.data not in {s.value for s in Stance}:
            raise ValidationError(_l("Choose whether you are for, against or neutral."))


class CommentForm(SpamGuard, EditCommentForm):
    """A new comment or a reply (editing one's own comment needs no spam guard)."""

    parent_id = HiddenField()

    def validate_parent_id(self, field) -> None:
        if field.data and not _is_id(field.data):
            raise ValidationError(_l("The comment you reply to was not found."))

    @property
    def parent(self) -> int | None:
        """The id of the comment replied to, if any."""
        value = self.parent_id.data or ""
        return int(value) if _is_id(value) else None


class UpvoteForm(FlaskForm):
    """The button says what it wants (add or remove), so a repeated POST changes nothing."""

    vote = HiddenField()

    def validate_vote(self, field) -> None:
        if field.data not in {"add", "remove"}:
            raise ValidationError(_l("Something went wrong. Please try again."))


class DeleteCommentForm(FlaskForm):
    confirm = HiddenField()  # rendered with value="yes"

    def validate_confirm(self, field) -> None:
        if field.raw_data != ["yes"]:
            raise ValidationError(_l("Please confirm the deletion."))
