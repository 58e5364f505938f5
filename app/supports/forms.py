"""The form to pledge to join a proposal's cooperative."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, ValidationError

from app.supports.models import PledgeRole

if TYPE_CHECKING:
    from app.organisations.models import Organisation

SELF = "self"


class PledgeForm(FlaskForm):
    role = SelectField(
        _l("I would join as"), id="pledge-role", validate_choice=False,
        validators=[InputRequired(message=_l("Choose how you would take part."))],
        description=_l("Members found and own the cooperative; workers would be employed by "
                       "it; volunteers would help without pay."),
    )
    on_behalf = SelectField(
        _l("Pledge on behalf of"), id="pledge-on-behalf", validate_choice=False,
        validators=[InputRequired(message=_l("Choose who makes the pledge."))],
    )

    def __init__(self, organisations: Iterable[Organisation] = (), *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.value, role.label) for role in PledgeRole]
        self.on_behalf.choices = [SelectChoice(SELF, _l("Myself (a natural person)"))] + [
            SelectChoice(str(organisation.id), organisation.name)
            for organisation in organisations]

    def validate_role(self, field) -> None:
        if field.data not in {role.value for role in PledgeRole}:
            raise ValidationError(_l("Choose member, worker or volunteer."))

    def validate_on_behalf(self, field) -> None:
        # Any organisation id passes here; the view refuses (403) those the user does not
        # represent, so a tampered form cannot pledge for someone else's organisation.
        if field.data != SELF and not re.fullmatch(r"[0-9]{1,12}", field.data or ""):
            raise ValidationError(_l("Choose yourself or an organisation you represent."))

    @property
    def organisation_id(self) -> int | None:
        """The chosen organisation's id, or None for a pledge as oneself."""
        return None if self.on_behalf.data == SELF else int(self.on_behalf.data)

    @property
    def pledge_role(self) -> PledgeRole:
        return PledgeRole(self.role.data)
