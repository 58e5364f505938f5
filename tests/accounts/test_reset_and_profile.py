"""Password reset, profile, password change, data download and account deletion."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.accounts.models import LoginSession, Role, User
from app.extensions import db
from app.organisations.models import Organisation, OrganisationKind, Representation
from tests.conftest import PASSWORD

NEW = "another good passphrase"


def test_reset_flow_sets_new_password_and_link_works_once(client, auth, users, outbox):
    user = users()
    response = client.post("/account/reset", data={"email": user.email})
    assert response.status_code == 200
    link = outbox.last_link(user.email)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW, "password_confirm": NEW})
    assert response.status_code == 303
    assert auth.login(user.email, PASSWORD).status_code == 200
    assert auth.login(user.email, NEW).status_code == 303
    auth.logout()
    reused = client.post(link, data={"password": "yet another passphrase",
                                     "password_confirm": "yet another passphrase"})
    assert reused.status_code == 303
    assert reused.headers["Location"].endswith("/account/reset")
    assert auth.login(user.email, NEW).status_code == 303


def test_reset_ends_every_session(app, client, users, outbox):
    user = users()
    other = app.test_client()
    other.post("/account/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": client.csrf_token()})
    client.post("/account/reset", data={"email": user.email})
    client.post(outbox.last_link(user.email), data={"password": NEW, "password_confirm": NEW})
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_reset_for_unknown_email_answers_the_same(client, users, outbox):
    user = users()
    known = client.post("/account/reset", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/account/reset",
                          data={"email": "nobody@example.org"}).get_data(as_text=True)

    def main(body: str) -> str:
        return body[body.index("<main"):body.index("</main>")]

    assert main(known) == main(unknown)
    assert len(outbox.messages) == 2
    [note] = outbox.to("nobody@example.org")  # the address's owner learns of the attempt
    assert "/account/register" in outbox.body(note)
    assert "/account/reset/" not in outbox.body(note)  # and gets no reset link


def test_expired_reset_link_is_refused(app, client, users, outbox):
    user = users()
    client.post("/account/reset", data={"email": user.email})
    link = outbox.last_link(user.email)
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    assert client.get(link).status_code == 303


def test_reset_with_mismatched_passwords_keeps_the_old_one(client, auth, users, outbox):
    user = users()
    client.post("/account/reset", data={"email": user.email})
    link = outbox.last_link(user.email)
    response = client.post(link, data={"password": NEW, "password_confirm": "different one!!"})
    assert response.status_code == 200
    assert auth.login(user.email, PASSWORD).status_code == 303


def test_profile_edit(client, auth):
    user = auth.login_as()
    response = client.post("/account/", data={"display_name": "  Nowe Imię ", "locale": "en"})
    assert response.status_code == 303
    user = db.session.get(User, user.id)
    assert user.display_name == "Nowe Imię"
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_profile_refuses_unknown_language_and_empty_name(client, auth):
    user = auth.login_as()
    response = client.post("/account/", data={"display_name": "", "locale": "de"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="field-error"') == 2
    assert db.session.get(User, user.id).locale is None


def test_change_password_requires_current(client, auth):
    user = auth.login_as()
    response = client.post("/account/password", data={
        "current_password": "wrong password here", "password": NEW, "password_confirm": NEW})
    assert response.status_code == 200
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 303


def test_download_my_data(client, auth):
    user = auth.login_as(name="Anna Przykład")
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user.email
    assert data["account"]["display_name"] == "Anna Przykład"
    assert "password_hash" not in json.dumps(data)
    assert data["organisation_representations"] == []


def test_delete_account_erases_personal_data_and_keeps_row(client, auth):
    user = auth.login_as(name="Do Usunięcia")
    organisation = Organisation(name="Fundacja", kind=OrganisationKind.NGO)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(Representation(organisation_id=organisation.id, user_id=user.id,
                                  role_in_organisation="prezes"))
    db.session.commit()
    email = user.email
    assert client.get("/account/delete").status_code == 200
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303
    user = db.session.get(User, user.id)
    assert user.is_deleted
    assert user.email != email and user.email.endswith("@invalid")
    assert user.display_name is None and user.password_hash is None
    assert user.public_name in {"deleted user", "usunięty użytkownik"}
    assert db.session.scalar(select(func.count()).select_from(Representation)) == 0
    assert client.get("/account/").status_code == 302
    # the address can be used again
    assert client.post("/account/register", data={
        "email": email, "display_name": "Again", "password": NEW,
        "password_confirm": NEW, "consent": "y"}).status_code == 303


def test_delete_account_needs_password_and_confirmation(client, auth):
    user = auth.login_as()
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 200
    response = client.post("/account/delete",
                           data={"password": "wrong password!", "understood": "y"})
    assert response.status_code == 200
    assert not db.session.get(User, user.id).is_deleted


def test_last_admin_cannot_delete_account(client, auth):
    admin = auth.login_as(Role.ADMIN)
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 200
    assert not db.session.get(User, admin.id).is_deleted


def test_export_and_deletion_cover_contributions(client, auth, users):
    from app.discussion.models import Comment
    from app.notifications.models import Follow
    from app.supports.models import Pledge, PledgeRole, Support
    from tests.factories import make_comment, make_consultation, make_proposal

    user = auth.login_as(name="Aktywna Osoba")
    consultation = make_consultation("proposals")
    proposal = make_proposal(consultation, user, title="Mój projekt")
    comment = make_comment(proposal, user, body="Mój komentarz")
    db.session.add_all([
        Support(proposal_id=proposal.id, user_id=user.id),
        Pledge(proposal_id=proposal.id, pledger=f"user:{user.id}", user_id=user.id,
               role=PledgeRole.MEMBER),
        Follow(user_id=user.id, proposal_id=proposal.id)])
    db.session.commit()
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["proposals"][0]["title"] == "Mój projekt"
    assert data["comments"][0]["text"] == "Mój komentarz"
    assert len(data["supports"]) == 1 and len(data["pledges"]) == 1
    assert data["following_proposals"] == [proposal.id]

    client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 0
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    assert db.session.get(Comment, comment.id).body == "Mój komentarz"
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Aktywna Osoba" not in page
