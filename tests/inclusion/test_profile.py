"""The optional profile: explicit consent, withdrawal deletes it, account deletion too."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.inclusion.models import InclusionProfile
from tests.conftest import PASSWORD
from tests.factories import make_district

ANSWERS = {"gender": "female", "age_band": "30-44", "work_situation": "caring"}


def _profile(user):
    return db.session.scalar(select(InclusionProfile).where(InclusionProfile.user_id == user.id))


def test_no_profile_without_ticking_consent(app, client, auth, in_english):
    district = make_district()
    user = auth.login_as()
    response = client.post("/inclusion/profile", data={**ANSWERS, "district": district.id})
    assert response.status_code == 200
    assert "Tick the box to give your consent" in response.get_data(as_text=True)
    assert _profile(user) is None


def test_consent_saves_and_withdrawal_deletes_at_once(app, client, auth):
    district = make_district()
    user = auth.login_as()
    page = client.get("/inclusion/profile").get_data(as_text=True)
    assert "Nikt, również pracownicy urzędu" in page  # who sees it, in Polish
    response = client.post("/inclusion/profile", data={**ANSWERS, "district": district.id,
                                                       "consent": "y"})
    assert response.status_code == 303
    profile = _profile(user)
    assert (profile.gender.value, profile.work_situation.value) == ("female", "caring")
    # A bare post does not withdraw: the confirmation step must be taken.
    assert client.post("/inclusion/profile/withdraw", data={}).status_code == 200
    assert _profile(user) is not None
    response = client.post("/inclusion/profile/withdraw", data={"confirm": "yes"})
    assert response.status_code == 303
    assert _profile(user) is None


def test_bad_answers_are_refused(app, client, auth, in_english):
    user = auth.login_as()
    response = client.post("/inclusion/profile", data={
        "gender": "robot", "age_band": "7-9", "district": "0", "work_situation": "x",
        "consent": "y"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _profile(user) is None


def test_download_includes_and_deletion_removes_the_profile(app, client, auth):
    district = make_district("Kolejowa")
    user = auth.login_as()
    client.post("/inclusion/profile", data={**ANSWERS, "district": district.id, "consent": "y"})
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["inclusion_profile"]["district"] == "Kolejowa"
    assert data["inclusion_profile"]["work_situation"] == "caring"
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code in (302, 303)
    assert _profile(user) is None


def test_account_page_links_to_the_profile(app, client, auth):
    auth.login_as()
    assert "/inclusion/profile" in client.get("/account/").get_data(as_text=True)
