"""Staff set a consultation's voting rules; once voting opens they are frozen (409)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.consultations.models import Consultation
from app.extensions import db
from app.moderation.models import AuditEntry
from app.votes import services
from app.votes.models import VotingMethod, VotingSettings
from tests.factories import make_consultation, make_district
from tests.votes.helpers import make_vote

pytestmark = pytest.mark.usefixtures("in_english")


def _form(**overrides) -> dict:
    data = {"method": "budget", "approval_max": "", "city_budget": "1 000 000",
            "min_picks": "1", "max_picks": "5", "tally_rule": "equalshares/add1",
            "questions": "", "verification_required": "y", "minimum_age": "16"}
    data.update(overrides)
    return data


def test_staff_set_a_participatory_budget(client, auth):
    consultation = make_consultation("deliberation")
    north, south = make_district("Północ"), make_district("Południe")
    staff = auth.login_as(Role.STAFF)
    url = f"/consultations/{consultation.id}/voting/settings"
    page = client.get(url).get_data(as_text=True)
    assert "Budget: pool for Północ (zł)" in page
    response = client.post(url, data=_form(**{f"pool_{north.id}": "150000,50",
                                              "districts": [str(north.id), str(south.id)]}))
    assert response.status_code == 303
    settings = db.session.get(VotingSettings, consultation.id)
    assert settings.method is VotingMethod.BUDGET and settings.city_budget == Decimal("1000000")
    assert settings.tally_rule == "equalshares/add1" and settings.minimum_age == 16
    values = services.settings_values(settings)
    assert values.pools == {north.id: Decimal("150000.50")}
    assert values.districts == sorted([north.id, south.id])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "vote.settings"))
    assert entry.actor_id == staff.id and entry.target_id == consultation.id
    assert entry.details["pools"] == {str(north.id): "150000.50"}
    overview = client.get(f"/consultations/{consultation.id}/voting").get_data(as_text=True)
    assert "Method of Equal Shares" in overview and "Północ" in overview
    # The stored values fill the form again.
    again = client.get(url).get_data(as_text=True)
    assert 'value="150000.50"' in again


@pytest.mark.parametrize("overrides, message", [
    ({"method": "approval"}, "Enter how many proposals a voter may choose."),
    ({"method": "yes_no"}, "Write at least one question."),
    ({"city_budget": ""}, "Enter the city-wide pool or at least one district"),
    ({"min_picks": "4", "max_picks": "2"}, "cannot be fewer than the fewest"),
    ({"city_budget": "-5"}, "Enter an amount above zero."),
    ({"districts": ["999999"]}, "Choose districts from the list."),
])
def test_settings_errors(client, auth, overrides, message):
    consultation = make_consultation("proposals")
    auth.login_as(Role.STAFF)
    response = client.post(f"/consultations/{consultation.id}/voting/settings",
                           data=_form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(VotingSettings, consultation.id) is None


def test_yes_no_questions_are_saved_in_order(client, auth):
    consultation = make_consultation("proposals")
    auth.login_as(Role.STAFF)
    response = client.post(f"/consultations/{consultation.id}/voting/settings",
                           data=_form(method="yes_no", questions="Most?\n\n  Park? \n"))
    assert response.status_code == 303
    assert [q.text for q in services.questions_of(consultation.id)] == ["Most?", "Park?"]


def test_rules_are_frozen_once_voting_opens(client, auth):
    vote = make_vote()
    staff = auth.login_as(Role.STAFF)
    url = f"/consultations/{vote.id}/voting/settings"
    page = client.get(url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "can no longer change" in body and "<fieldset disabled>" in body
    response = client.post(url, data=_form(city_budget="9999999"))
    assert response.status_code == 409
    assert "can no longer change" in response.get_data(as_text=True)
    assert db.session.get(VotingSettings, vote.id).city_budget == Decimal("600000")
    consultation = db.session.get(Consultation, vote.id)
    with pytest.raises(services.SettingsFrozen):
        services.save_settings(consultation, staff, services.SettingsValues(
            method=VotingMethod.APPROVAL, approval_max=1))
    assert db.session.get(VotingSettings, vote.id).method is VotingMethod.BUDGET


def test_frozen_after_options_were_copied_even_if_dates_move_back(app, users):
    """Moving the voting date back after voting began does not unfreeze the rules."""
    vote = make_vote()
    consultation = db.session.get(Consultation, vote.id)
    settings = services.get_settings(consultation)
    services.ballot_options(consultation, settings)  # voting began: options copied
    consultation.voting_from = consultation.results_from
    db.session.commit()
    assert services.frozen_reason(consultation) is not None
    with pytest.raises(services.SettingsFrozen):
        services.save_settings(consultation, users(Role.STAFF),
                               services.SettingsValues(method=VotingMethod.APPROVAL,
                                                       approval_max=1))


def test_residents_cannot_set_votes(client, auth):
    consultation = make_consultation("proposals")
    auth.login_as()
    url = f"/consultations/{consultation.id}/voting/settings"
    assert client.get(url).status_code == 403
    assert client.post(url, data=_form()).status_code == 403
