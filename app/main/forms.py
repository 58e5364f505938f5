"""Forms of the public pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from app.accounts.forms import language_choices


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=language_choices(),
                         validators=[DataRequired(message=_l("Choose a language."))])
    next = HiddenField()
