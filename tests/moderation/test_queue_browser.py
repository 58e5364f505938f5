"""Reports and the moderators' queue in a real browser: axe-core on every page and state, the
htmx actions inside the queue's cards, and the same journey without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.discussion.models import Comment
from app.extensions import db
from app.moderation.models import Report, ReportKind, ReportReason
from app.proposals.models import HiddenState
from tests.browser_fixtures import assert_accessible
from tests.conftest import PASSWORD
from tests.factories import make_comment, make_consultation, make_proposal

pytestmark = pytest.mark.browser

REASON = "Obraźliwe wobec sąsiadów."


def _log_in(page: Page, email: str) -> None:
    page.goto("/account/login?next=/privacy")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/privacy$"))


def _log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name=re.compile("Wyloguj|Log out")).click()
    page.wait_for_load_state("load")


def _scene(users) -> dict:
    author = users(name="Karol Komentujący")
    proposal = make_proposal(make_consultation("proposals"), users(name="Anna Autorka"),
                             title="Zielone dachy")
    comment = make_comment(proposal, author, body="Tekst, który ktoś zgłosi.")
    reporters = [users(name=f"Mieszkanka {n}").email for n in range(1, 4)]
    moderator = users(Role.MODERATOR, name="Monika Moderatorka")
    return {"proposal": proposal.id, "comment": comment.id, "reporters": reporters,
            "moderator": moderator.email, "author": author.id}


def test_three_reports_then_the_queue_with_htmx(in_browser, users) -> None:
    scene = _scene(users)
    proposal_id, comment_id = scene["proposal"], scene["comment"]

    def scenario(page: Page) -> None:
        for number, email in enumerate(scene["reporters"]):
            _log_in(page, email)
            page.goto(f"/proposals/{proposal_id}")
            page.locator(f"#comment-{comment_id}").get_by_role(
                "link", name=re.compile("^Zgłoś")).click()
            page.wait_for_url(re.compile(rf"/moderation/report/comment/{comment_id}$"))
            if number == 0:
                assert_accessible(page)
                page.get_by_role("button", name="Wyślij zgłoszenie").click()  # no reason
                expect(page.locator(".error-summary")).to_contain_text("Wybierz, co jest nie tak.")
                assert_accessible(page)
            page.get_by_label("Obraźliwe lub napastliwe").check()
            page.get_by_role("button", name="Wyślij zgłoszenie").click()
            page.wait_for_url(re.compile(rf"/proposals/{proposal_id}"))
            expect(page.locator(".flash-success")).to_contain_text("Dziękujemy.")
            _log_out(page)
        page.goto(f"/proposals/{proposal_id}")
        expect(page.locator(f"#comment-{comment_id}")).to_contain_text(
            "Ukryty do czasu przeglądu")

        _log_in(page, scene["moderator"])
        page.locator("header").get_by_role("link", name="Kolejka moderacji").click()
        page.wait_for_url(re.compile(r"/moderation/queue$"))
        card = page.locator(f"#queue-item-comment-{comment_id}")
        expect(card).to_contain_text("3 otwarte zgłoszenia")
        expect(card).to_contain_text("Tekst, który ktoś zgłosi.")
        assert_accessible(page)

        page.locator("header").get_by_role("button", name="English", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_accessible(page)
        page.evaluate("() => { window.notReloaded = true; }")
        card.get_by_role("link", name=re.compile("^Hide with a reason")).click()
        form = card.locator("form.confirm-form")
        expect(form).to_be_visible()
        assert_accessible(page)
        form.get_by_role("button", name="Hide it").click()  # no reason: errors in place
        expect(card.locator(".error-summary")).to_contain_text("Give the reason")
        assert_accessible(page)
        card.get_by_label("Public reason").fill(REASON)
        card.get_by_role("button", name="Hide it").click()
        expect(card.get_by_role("status")).to_contain_text("The item is hidden.")
        expect(card).to_contain_text(f"Hidden by a moderator: {REASON}")
        assert page.evaluate("() => window.notReloaded") is True
        assert_accessible(page)

        page.goto(f"/proposals/{proposal_id}")
        expect(page.locator(f"#comment-{comment_id}")).to_contain_text(
            f"Hidden by a moderator: {REASON}")
        assert_accessible(page)
        page.goto("/moderation/queue")
        expect(page.locator(".empty")).to_have_text("No reports are waiting. Thank you!")
        assert_accessible(page)
        page.goto("/moderation/log")
        expect(page.locator("main table")).to_contain_text(REASON)

    in_browser(scenario)


def test_restore_without_javascript(in_browser, users) -> None:
    scene = _scene(users)
    comment_id, proposal_id = scene["comment"], scene["proposal"]
    comment = db.session.get(Comment, comment_id)
    comment.hidden_state, comment.hidden_at = HiddenState.PENDING, utcnow()
    for number, email in enumerate(scene["reporters"]):
        reporter = db.session.scalar(select(User).where(User.email == email))
        db.session.add(Report(target_type=ReportKind.COMMENT, target_id=comment_id,
                              reporter_id=reporter.id, reason=ReportReason.SPAM, details="",
                              created_at=utcnow() - timedelta(minutes=number)))
    db.session.commit()

    def scenario(page: Page) -> None:
        _log_in(page, scene["moderator"])
        page.goto("/moderation/queue")
        assert page.evaluate("() => typeof window.htmx") == "undefined", "scripts ran"
        page.locator(f"#queue-item-comment-{comment_id}").get_by_role(
            "link", name=re.compile("^Przywróć")).click()
        page.wait_for_url(re.compile(rf"/moderation/comment/{comment_id}/restore"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Pokaż ten wpis ponownie")
        page.get_by_role("button", name="Pokaż ponownie").click()
        page.wait_for_url(re.compile(r"/moderation/queue$"))
        expect(page.locator(".flash-success")).to_contain_text("Wpis jest znów widoczny.")
        page.goto(f"/proposals/{proposal_id}")
        expect(page.locator(f"#comment-{comment_id}")).to_contain_text(
            "Tekst, który ktoś zgłosi.")

    in_browser(scenario, javascript=False)


def test_moderation_pages_are_accessible(in_browser, users) -> None:
    scene = _scene(users)
    review = make_proposal(make_consultation("review"), users(), title="Do oceny")
    blocked = users(name="Zablokowana Osoba")
    blocked.blocked_until, blocked.block_reason = utcnow() + timedelta(days=3), REASON
    db.session.commit()
    review_id, proposal_id, blocked_email = review.id, scene["proposal"], blocked.email
    blocked_id, author_id = blocked.id, scene["author"]

    def scenario(page: Page) -> None:
        _log_in(page, scene["moderator"])
        for path in ["/moderation/review", f"/moderation/proposals/{review_id}/review",
                     f"/moderation/proposals/{proposal_id}/merge",
                     f"/moderation/proposals/{proposal_id}/lock",
                     f"/moderation/users/{blocked_id}/unblock",
                     f"/moderation/comment/{scene['comment']}/hide",
                     f"/moderation/comment/{scene['comment']}/dismiss",
                     f"/moderation/users/{author_id}/block"]:
            page.goto(path)
            assert_accessible(page)
        page.goto(f"/moderation/proposals/{review_id}/review")
        page.get_by_label("Odeślij autorom do poprawy").check()
        page.get_by_role("button", name="Zapisz decyzję").click()
        expect(page.locator(".error-summary")).to_be_visible()
        assert_accessible(page)
        _log_out(page)
        _log_in(page, blocked_email)
        page.goto(f"/proposals/{proposal_id}")
        expect(page.locator(".notice-blocked").first).to_contain_text(REASON)
        assert_accessible(page)
        page.goto("/proposals/new")
        expect(page.get_by_role("heading", level=1)).to_have_text("Nie możesz teraz publikować")
        assert_accessible(page)

    in_browser(scenario)
