"""The honeypot and the minimum fill time on registration, proposal and comment forms."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from app.accounts.models import User
from app.antispam import fill_time_problem, issue_form_token, token_issued_at
from app.discussion.models import Comment
from app.extensions import db
from app.proposals.models import Proposal
from tests.antispam.conftest import MIN_FILL_SECONDS, form_tokens
from tests.factories import make_comment

REFUSAL = "We could not accept the form this time."
REFUSAL_PL = "Tym razem nie udało się przyjąć formularza."
REGISTRATION = {
    "email": "nowa.osoba@example.org",
    "display_name": "Nowa Osoba",
    "password": "dwanascieznakow",
    "password_confirm": "dwanascieznakow",
    "consent": "y",
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read English text unless they say otherwise."""
    yield


# --- the pieces on the page --------------------------------------------------------------------

def test_registration_form_carries_a_hidden_trap_and_a_signed_time(client, guarded):
    page = client.get("/account/register").get_data(as_text=True)
    trap = re.search(r'<div class="form-extra" aria-hidden="true">\s*'
                     r'<label for="website">Leave this field empty</label>\s*'
                     r'<input type="text" id="website" name="website" value="" '
                     r'tabindex="-1" autocomplete="off">\s*</div>', page)
    assert trap, "the honeypot is missing or not hidden from people"
    [token] = form_tokens(page)
    assert 0 <= time.time() - token_issued_at(token) < 60


def test_every_comment_form_on_a_page_has_its_own_trap(client, auth, guarded, proposal,
                                                       proposer):
    first, second = make_comment(proposal, proposer), make_comment(proposal, proposer)
    auth.login_as()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert re.findall(r'id="([^"]*website)"', page) == ["comment-new-website"]
    assert len(form_tokens(page)) == 1
    # A reply form comes when asked for, with its own trap and time.
    for comment in (first, second):
        form = client.get(f"/comments/{comment.id}/reply",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
        assert re.findall(r'id="([^"]*website)"', form) == [f"reply-{comment.id}-website"]
        assert len(form_tokens(form)) == 1
        assert form.count('tabindex="-1" autocomplete="off"') == 1


def test_proposal_form_and_no_js_comment_form_carry_the_trap(client, auth, guarded,
                                                            consultation, goal, proposal,
                                                            post_comment):
    auth.login_as()
    page = client.get("/proposals/new").get_data(as_text=True)
    assert 'name="website"' in page and len(form_tokens(page)) == 1
    # The page a comment comes back to without JavaScript has the trap too.
    page = post_comment(proposal, body="").get_data(as_text=True)
    assert 'id="comment-website"' in page and len(form_tokens(page)) == 1


# --- registration --------------------------------------------------------------------------------

def test_registration_at_human_speed_is_accepted(client, guarded, shown_ago):
    response = client.post("/account/register",
                           data={**REGISTRATION, "form_started": shown_ago(8), "website": ""})
    assert response.status_code == 303
    assert _count(User) == 1


def test_registration_with_the_trap_filled_is_refused(client, guarded, shown_ago, outbox):
    response = client.post("/account/register", data={
        **REGISTRATION, "form_started": shown_ago(30), "website": "https://cheap.example"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page and "The form was not sent" in page
    assert 'value="nowa.osoba@example.org"' in page and 'value="Nowa Osoba"' in page
    assert "https://cheap.example" not in page  # the trap comes back empty
    assert _count(User) == 0 and outbox.messages == []


def test_registration_sent_back_at_once_is_refused_and_can_be_sent_again(client, guarded):
    [token] = form_tokens(client.get("/account/register").get_data(as_text=True))
    response = client.post("/account/register", data={**REGISTRATION, "form_started": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page and 'value="Nowa Osoba"' in page
    # The form keeps the time it was first shown, so the person is not held back twice.
    assert form_tokens(page) == [token]
    assert _count(User) == 0


@pytest.mark.parametrize("token", [
    None,
    "",
    "not-a-token",
    URLSafeSerializer("another-key", salt="agora.form-started").dumps(
        {"t": round((time.time() - 60) * 1000)}),
    URLSafeSerializer("test-secret-key-not-for-production", salt="another-salt").dumps(
        {"t": round((time.time() - 60) * 1000)}),
], ids=["missing", "empty", "garbage", "other-key", "other-salt"])
def test_registration_with_a_missing_or_forged_time_is_refused(client, guarded, token):
    data = {**REGISTRATION, **({"form_started": token} if token is not None else {})}
    response = client.post("/account/register", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page
    # A new, valid time is issued, so a person can simply send the form again.
    [fresh] = form_tokens(page)
    assert fresh != token and token_issued_at(fresh) is not None
    assert _count(User) == 0


@pytest.mark.parametrize("seconds_ago", [8 * 60 * 60 + 5, -60], ids=["too-old", "future"])
def test_registration_with_an_expired_time_is_refused(client, guarded, shown_ago,
                                                      seconds_ago):
    token = shown_ago(seconds_ago)
    response = client.post("/account/register", data={**REGISTRATION, "form_started": token})
    assert response.status_code == 422
    assert form_tokens(response.get_data(as_text=True)) != [token]
    assert _count(User) == 0


def test_refusal_and_field_errors_are_shown_together(client, guarded):
    response = client.post("/account/register", data={**REGISTRATION, "display_name": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page and "Please also correct the following:" in page
    assert "Enter the name others will see." in page


def test_refusal_is_in_polish_by_default(client, guarded):
    client.post("/language", data={"locale": "pl"})
    page = client.post("/account/register", data=REGISTRATION).get_data(as_text=True)
    assert REFUSAL_PL in page and "Formularz nie został wysłany" in page


def test_a_minimum_of_zero_turns_the_timing_check_off_but_not_the_trap(client):
    assert client.post("/account/register", data={
        **REGISTRATION, "website": "x"}).status_code == 422
    assert client.post("/account/register", data=REGISTRATION).status_code == 303


# --- proposals -----------------------------------------------------------------------------------

def test_proposal_at_human_speed_is_accepted(client, auth, guarded, shown_ago, proposal_form):
    auth.login_as()
    response = client.post("/proposals/new", data=proposal_form(form_started=shown_ago(40)))
    assert response.status_code == 303
    assert _count(Proposal) == 1


@pytest.mark.parametrize("case", ["trap", "too-fast", "forged", "too-old"])
def test_proposal_refused_as_automated_keeps_the_text(client, auth, guarded, shown_ago,
                                                      proposal_form, case):
    data = {
        "trap": {"form_started": shown_ago(40), "website": "buy now"},
        "too-fast": {"form_started": shown_ago(1)},
        "forged": {"form_started": shown_ago(40)[:-3] + "abc"},
        "too-old": {"form_started": shown_ago(9 * 60 * 60)},
    }[case]
    auth.login_as()
    response = client.post("/proposals/new", data=proposal_form(**data))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page
    assert 'value="Zieleń na dachach"' in page
    assert "Spółdzielnia zakłada zielone dachy na blokach osiedla." in page
    assert _count(Proposal) == 0


def test_editing_a_proposal_is_guarded_too(client, auth, guarded, shown_ago, proposal_form):
    auth.login_as()
    client.post("/proposals/new", data=proposal_form(form_started=shown_ago(40)))
    proposal = db.session.scalar(select(Proposal))
    edit = proposal_form(consultation=None, title="Zieleń na dachach i ścianach")
    refused = client.post(f"/proposals/{proposal.id}/edit", data={**edit, "website": "x",
                                                                   "form_started": shown_ago(40)})
    assert refused.status_code == 422
    assert db.session.get(Proposal, proposal.id).title == "Zieleń na dachach"
    accepted = client.post(f"/proposals/{proposal.id}/edit",
                           data={**edit, "form_started": shown_ago(40)})
    assert accepted.status_code == 303
    assert db.session.get(Proposal, proposal.id).title == "Zieleń na dachach i ścianach"


# --- comments ------------------------------------------------------------------------------------

def test_comment_at_human_speed_is_accepted(auth, guarded, shown_ago, proposal, post_comment):
    auth.login_as()
    assert post_comment(proposal, form_started=shown_ago(5)).status_code == 303
    assert post_comment(proposal, htmx=True, form_started=shown_ago(5)).status_code == 200
    assert _count(Comment) == 2


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_comment_with_the_trap_filled_is_refused(auth, guarded, shown_ago, proposal,
                                                 post_comment, htmx):
    auth.login_as()
    response = post_comment(proposal, body="Tanie kredyty tutaj.", stance="neutral",
                            htmx=htmx, form_started=shown_ago(20), website="http://x.example")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page
    assert "Tanie kredyty tutaj." in page and 'value="neutral" required checked' in page
    assert ("<html" in page) is not htmx  # htmx gets the discussion section alone
    assert _count(Comment) == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_reply_sent_too_fast_is_refused_in_its_own_form(client, auth, guarded, shown_ago,
                                                        proposal, proposer, post_comment, htmx):
    top = make_comment(proposal, proposer)
    auth.login_as()
    token = shown_ago(0.5)
    response = post_comment(proposal, body="Szybka odpowiedź.", parent=top, htmx=htmx,
                            form_started=token)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSAL in page and "Szybka odpowiedź." in page
    assert token in form_tokens(page)  # the reply form keeps its time
    if htmx:
        slot = page[page.index(f'id="reply-slot-{top.id}"'):]
        assert slot.index("<form") < slot.index("</div>")  # the reply form is back in place
        new_form = page[page.index('class="form comment-form new-comment"'):
                        page.index('id="comments-heading"')]
        assert REFUSAL not in new_form  # the message is where the reply was written
    else:
        assert f'name="parent_id" value="{top.id}"' in page
    assert _count(Comment) == 1


def test_comment_without_a_time_is_refused(auth, guarded, proposal, post_comment):
    auth.login_as()
    response = post_comment(proposal, htmx=True)
    assert response.status_code == 422
    assert _count(Comment) == 0


def test_editing_a_comment_needs_no_guard(client, auth, guarded, proposal):
    me = auth.login_as()
    comment = make_comment(proposal, me, body="Pierwsza wersja.")
    response = client.post(f"/comments/{comment.id}/edit",
                           data={"body": "Druga wersja.", "stance": "for"})
    assert response.status_code == 303
    assert db.session.get(Comment, comment.id).body == "Druga wersja."


# --- the signed time itself ----------------------------------------------------------------------

def test_fill_time_problems(app, guarded):
    now = float(round(time.time()))  # whole milliseconds, as the note stores them
    assert fill_time_problem(None) == "missing"
    assert fill_time_problem("x.y") == "forged"
    assert fill_time_problem(issue_form_token(now), now=now + MIN_FILL_SECONDS - 0.1) == \
        "too-fast"
    assert fill_time_problem(issue_form_token(now), now=now + MIN_FILL_SECONDS) is None
    assert fill_time_problem(issue_form_token(now), now=now + 8 * 60 * 60) is None
    assert fill_time_problem(issue_form_token(now), now=now + 8 * 60 * 60 + 1) == "expired"
    assert token_issued_at(issue_form_token(1_700_000_000.25)) == 1_700_000_000.25
    assert token_issued_at("a" * 201) is None


def test_times_are_signed_with_the_apps_secret(app, guarded):
    token = issue_form_token()
    app.config["SECRET_KEY"] = "a-different-secret-key-for-this-test"
    assert token_issued_at(token) is None and fill_time_problem(token) == "forged"
