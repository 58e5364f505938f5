"""The proposal page: facts, history, visibility of drafts, XSS, query counts."""

from __future__ import annotations

import re

from sqlalchemy import insert

from app.accounts.models import Role
from app.db_types import utcnow
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, ProposalStatus, Sector
from tests.factories import make_district, make_proposal


def test_page_shows_everything(app, client, auth, users, consultation, goals):
    district = make_district("Gołonóg")
    author = users(name="Alicja Nowak")
    proposal = make_proposal(consultation, author, goals=[goals[0], goals[2]],
                             title="Spółdzielnia energetyczna", district_id=district.id,
                             expected_jobs=1234,
                             body_markdown="## Cel\n\nPanele na **dachach** szkół.")
    moderator = users(Role.MODERATOR)
    with app.test_request_context():  # notifications link to the proposal
        services.change_status(proposal, ProposalStatus.ACCEPTED, moderator,
                               "Spełnia wymagania.")
        db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.count("<h1") == 1 and "Spółdzielnia energetyczna" in page
    assert f'href="/consultations/{consultation.id}"' in page and consultation.title in page
    assert "Energy and grid" in page and "Gołonóg" in page
    assert "PLN250,000.00" in page and "1,234" in page
    assert 'href="/strategy/1"' in page and 'href="/strategy/1.2"' in page
    assert "Alicja Nowak" in page
    assert "<h2>Cel</h2>" in page and "<strong>dachach</strong>" in page
    assert "Accepted for the vote" in page and "Spełnia wymagania." in page
    assert "<caption>" in page


def test_whole_city_and_english_formatting(client, consultation, users):
    proposal = make_proposal(consultation, users())
    client.post("/language", data={"locale": "en"})
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Whole city" in page
    assert "PLN" in page and "250,000.00" in page


def test_drafts_are_hidden_from_everyone_but_their_authors(client, auth, users, consultation):
    author = users()
    draft = make_proposal(consultation, author, status=ProposalStatus.DRAFT)
    assert client.get(f"/proposals/{draft.id}").status_code == 404
    auth.login_as(Role.ADMIN)
    assert client.get(f"/proposals/{draft.id}").status_code == 404
    assert client.get(f"/proposals/{draft.id}/edit").status_code == 404
    auth.logout()
    client.post("/account/login", data={"email": author.email,
                                        "password": "correct horse battery"})
    page = client.get(f"/proposals/{draft.id}")
    assert page.status_code == 200 and "This is a draft" in page.get_data(as_text=True)


def test_unknown_proposal_is_404(client):
    assert client.get("/proposals/999999").status_code == 404


def test_author_sees_edit_and_withdraw_links(client, auth, consultation):
    author = auth.login_as()
    proposal = make_proposal(consultation, author)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}/edit"' in page
    assert f'href="/proposals/{proposal.id}/withdraw"' in page


def test_status_history_is_listed(app, client, auth, users, consultation, form_data):
    author = auth.login_as(name="Autorka Projektu")
    client.post("/proposals/new", data=form_data(save_draft="y"))
    proposal = db.session.scalar(db.select(Proposal))
    client.post(f"/proposals/{proposal.id}/submit")
    db.session.refresh(proposal)
    moderator = users(Role.MODERATOR, name="Moderatorka")
    with app.test_request_context():
        services.change_status(proposal, ProposalStatus.REJECTED, moderator, "Poza zakresem.")
        db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    history = page[page.index('id="proposal-history"'):]
    assert history.index("Draft") < history.index("Submitted") < history.index("Rejected")
    assert "Autorka Projektu" in history and "Moderatorka" in history
    assert "Poza zakresem." in history
    assert author.id == proposal.author_id


def test_xss_payloads_render_inert(client, auth, form_data):
    auth.login_as()
    payload = ("Zwykły tekst opisu projektu.\n\n<script>alert('s')</script>\n\n"
               '<img src=x onerror="alert(1)">\n\n[kliknij](javascript:alert(2))\n\n'
               '<a href="javascript:alert(3)" onclick="alert(4)">link</a>\n\n'
               '<iframe src="https://evil.example"></iframe><svg onload=alert(5)>')
    response = client.post("/proposals/new", data=form_data(
        title="<script>alert('t')</script> tytuł", body=payload, submit_proposal="y"))
    assert response.status_code == 303
    proposal = db.session.scalar(db.select(Proposal))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; tytuł" in page
    for bad in ("onerror", "onclick", "onload", "javascript:", "<iframe", "<svg", "<img"):
        assert bad not in page.lower(), bad
    assert "Zwykły tekst opisu projektu." in page
    listing = client.get("/proposals").get_data(as_text=True)
    assert "<script>alert" not in listing


def _bulk(consultation, count: int) -> None:
    now = utcnow()
    db.session.execute(insert(Proposal), [
        dict(consultation_id=consultation.id, title=f"Projekt {i}", body_markdown="Opis.",
             body_html="<p>Opis.</p>", sector=Sector.FOOD, estimated_cost=1000,
             expected_jobs=1, status=ProposalStatus.SUBMITTED, support_count=0,
             comment_count=0, search_text="projekt", created_at=now, updated_at=now)
        for i in range(count)])
    db.session.commit()


def test_page_query_count_does_not_grow(client, auth, users, consultation, goals,
                                        count_queries):
    author = auth.login_as()
    proposal = make_proposal(consultation, author, goals=goals[:3])
    _bulk(consultation, 10)
    client.get(f"/proposals/{proposal.id}")
    with count_queries() as few:
        assert client.get(f"/proposals/{proposal.id}").status_code == 200
    _bulk(consultation, 490)
    with count_queries() as many:
        assert client.get(f"/proposals/{proposal.id}").status_code == 200
    assert few["count"] == many["count"]
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert len(re.findall(r'href="/strategy/', page)) == 3
