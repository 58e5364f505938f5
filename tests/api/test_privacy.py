"""No answer of the API and no export holds personal data: walked over the demo city.

Every GET route under /api/v1 is visited with every id it can take (every consultation, every
proposal — drafts included — and every goal), every page of every collection is followed, and
every export is downloaded; no answer may contain any account's email address, any PESEL hash
of the census list, or the display name of anyone who is not an author of a public proposal.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from app.accounts.census import pesel_hash
from app.accounts.models import CensusEntry, Role, User
from app.api import PREFIX
from app.consultations.models import Consultation, StrategyGoal
from app.demo.services import load_demo
from app.extensions import db
from app.proposals.models import Proposal, ProposalCoauthor, ProposalStatus
from app.proposals.services import change_status

#: Valid PESEL numbers (checksums hold) for the census entries of the walk.
PESELS = ["44051401359", "02070803628", "85121612345", "90090515836", "75070112349"]


def _demo_with_census_and_moderation(app) -> None:
    load_demo()
    # The demo census already verifies some accounts; give entries to others too.
    people = list(db.session.scalars(select(User).where(~User.census_entry.has())
                                     .order_by(User.id)))
    for person, number in zip(people, PESELS, strict=False):
        db.session.add(CensusEntry(pesel_hash=pesel_hash(number), birth_year=1980,
                                   user_id=person.id))
    # A change by city staff: the history says what and why, never who.
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))
    proposal = db.session.scalar(select(Proposal).where(
        Proposal.status == ProposalStatus.SUBMITTED).order_by(Proposal.id))
    with app.test_request_context():  # followers are told by mail, with a link
        change_status(proposal, ProposalStatus.REJECTED, staff, "Poza zakresem konsultacji")
        db.session.commit()


def _forbidden() -> tuple[list[str], list[str], list[str], list[str]]:
    """Emails, PESEL hashes, names that must not appear; and authors' names (which may)."""
    public = [s.value for s in ProposalStatus if s is not ProposalStatus.DRAFT]
    public_ids = select(Proposal.id).where(Proposal.status.in_(public))
    author_ids = set(db.session.scalars(
        select(Proposal.author_id).where(Proposal.id.in_(public_ids))))
    author_ids |= set(db.session.scalars(
        select(ProposalCoauthor.user_id).where(ProposalCoauthor.proposal_id.in_(public_ids))))
    users = list(db.session.scalars(select(User)))
    emails = [user.email for user in users]
    hashes = list(db.session.scalars(select(CensusEntry.pesel_hash)))
    others = [user.display_name for user in users
              if user.id not in author_ids and user.display_name]
    authors = [user.display_name for user in users if user.id in author_ids]
    return emails, hashes, others, authors


def _readable(response) -> str:
    """The answer as text a person would read: JSON without \\u escapes, CSV without the BOM."""
    if response.mimetype == "application/json":
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data().decode("utf-8-sig")


def _walk(client, app) -> dict[str, str]:
    """Every answer of every /api/v1 GET route, by URL."""
    ids = {"consultation_id": list(db.session.scalars(select(Consultation.id))),
           "proposal_id": list(db.session.scalars(select(Proposal.id))),
           "goal_id": list(db.session.scalars(select(StrategyGoal.id)))}
    urls: list[str] = []
    visited_endpoints = set()
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith(PREFIX) or "GET" not in rule.methods:
                continue
            visited_endpoints.add(rule.endpoint)
            (argument, *rest) = sorted(rule.arguments) or [None]
            assert not rest, f"{rule.rule}: teach this walk about several arguments"
            if argument is None:
                urls.append(url_for(rule.endpoint))
            else:
                assert argument in ids, f"{rule.rule}: teach this walk about {argument}"
                urls.extend(url_for(rule.endpoint, **{argument: i}) for i in ids[argument])
        for consultation_id in ids["consultation_id"]:
            urls.append(url_for("api.export_proposals", consultation=consultation_id))
            urls.append(url_for("api.proposals", consultation=consultation_id))
        urls.append(url_for("api.proposals", status="withdrawn"))
        urls.append(url_for("api.proposals", status="rejected"))
    assert len(visited_endpoints) >= 12
    answers: dict[str, str] = {}
    while urls:
        url = urls.pop()
        if url in answers:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        answers[url] = _readable(response)
        if response.mimetype == "application/json" and response.status_code == 200:
            following = response.get_json().get("next")
            if isinstance(following, str):
                urls.append(following.removeprefix("http://localhost"))
    return answers


def test_no_answer_holds_personal_data(app, client):
    _demo_with_census_and_moderation(app)
    emails, hashes, others, authors = _forbidden()
    assert len(emails) >= 17 and len(hashes) >= len(PESELS)
    assert "Stanisław z Urzędu" in others and "Monika Moderatorka" in others
    answers = _walk(client, app)
    assert len(answers) > 50  # 30 proposals, 6 goals, the pages, the lists and the files
    everything = "\n".join(answers.values())
    # The walk does see people where they are public: otherwise it would prove nothing.
    assert sum(1 for name in authors if name in everything) >= 5
    assert "Poza zakresem konsultacji" in everything
    leaks = []
    for url, text in answers.items():
        lowered = text.lower()
        leaks += [f"{url}: email {e}" for e in emails if e.lower() in lowered]
        leaks += [f"{url}: PESEL hash {h[:12]}…" for h in hashes if h.lower() in lowered]
        leaks += [f"{url}: name of a non-author {n!r}" for n in others if n in text]
    assert not leaks, "\n".join(leaks[:30])


def test_the_walk_would_catch_a_leak(app, client, users):
    """A non-author's name planted in public text is reported (the check is not blind)."""
    _demo_with_census_and_moderation(app)
    _emails, _hashes, others, _authors = _forbidden()
    proposal = db.session.scalar(select(Proposal).where(
        Proposal.status == ProposalStatus.SUBMITTED).order_by(Proposal.id))
    proposal.body_markdown = f"Dziękujemy: {others[0]}"
    db.session.commit()
    answers = _walk(client, app)
    assert any(others[0] in text for text in answers.values())
