"""The demo city's moderation: reports waiting in the queue, a comment hidden by the
moderator, a blocked resident. Fictional throughout, like the rest of the demo.

The moderator's steps are written to the audit log as theirs, so the public log shows them.
Every other comment of the demo is unreported, so three demo residents can report one and
see it hidden pending review (the site's default of three reports).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Role, User
from app.db_types import utcnow
from app.discussion.models import Comment, Stance
from app.extensions import db
from app.moderation.audit import record
from app.moderation.models import Report, ReportKind, ReportReason
from app.proposals.models import HiddenState, Proposal, ProposalStatus

SPAM = "Tanie kredyty bez BIK! Zadzwoń już dziś, numer w profilu. (Przykładowy spam.)"
RUDE = "Autor tego projektu nie ma pojęcia, o czym pisze, jak zwykle. (Przykładowy wpis.)"
BLOCK_REASON = "Powtarzające się wpisy reklamowe mimo ostrzeżeń (przykład)."
HIDE_REASON = "Osobisty atak na autora zamiast dyskusji o projekcie (przykład)."


def _resident(number: int) -> User:
    return db.session.scalar(select(User).where(
        User.email == f"mieszkaniec{number}@wrzosow.example"))


def _report(kind: ReportKind, target_id: int, reporter: User, reason: ReportReason,
            details: str = "", hours_ago: int = 1, resolved: bool = False) -> None:
    moment = utcnow() - timedelta(hours=hours_ago)
    db.session.add(Report(target_type=kind, target_id=target_id, reporter_id=reporter.id,
                          reason=reason, details=details, created_at=moment,
                          resolved_at=utcnow() if resolved else None))


def _comment(proposal: Proposal, author: User, body: str, hours_ago: int) -> Comment:
    comment = Comment(proposal_id=proposal.id, author_id=author.id, depth=0,
                      stance=Stance.AGAINST, body=body, upvote_count=0,
                      created_at=utcnow() - timedelta(hours=hours_ago))
    db.session.add(comment)
    proposal.comment_count += 1
    db.session.flush()
    return comment


def load_moderation() -> bool:
    """Add the demo's moderation cases unless there are reports already; returns whether
    they were added (the caller commits)."""
    if db.session.scalar(select(Report.id).limit(1)) is not None:
        return False
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR))
    proposals = list(db.session.scalars(
        select(Proposal).where(Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.id).limit(3)))
    spammer, rude = _resident(12), _resident(11)
    if moderator is None or len(proposals) < 3 or spammer is None or rude is None:
        return False
    first, second, third = proposals

    # Waiting in the queue: a spam comment with two reports (one more hides it), the
    # spammer's account, and a proposal reported as off-topic.
    spam = _comment(first, spammer, SPAM, hours_ago=20)
    _report(ReportKind.COMMENT, spam.id, _resident(1), ReportReason.SPAM, hours_ago=6)
    _report(ReportKind.COMMENT, spam.id, _resident(2), ReportReason.SPAM,
            "To samo ogłoszenie pod kilkoma projektami.", hours_ago=3)
    _report(ReportKind.USER, spammer.id, _resident(3), ReportReason.SPAM,
            "Konto publikuje tylko reklamy.", hours_ago=2)
    _report(ReportKind.PROPOSAL, third.id, _resident(4), ReportReason.OFF_TOPIC,
            "Nie dotyczy spółdzielni.", hours_ago=1)

    # Handled by the moderator: a rude comment hidden with a public reason.
    hidden = _comment(second, rude, RUDE, hours_ago=30)
    for number, hours in ((5, 28), (6, 27), (7, 26)):
        _report(ReportKind.COMMENT, hidden.id, _resident(number), ReportReason.OFFENSIVE,
                hours_ago=hours, resolved=True)
    hidden.hidden_state, hidden.hidden_reason = HiddenState.HIDDEN, HIDE_REASON
    hidden.hidden_at = utcnow() - timedelta(hours=25)
    record(moderator, "content.hide", "comment", hidden.id, reason=HIDE_REASON,
           details={"proposal_id": second.id, "reports": 3, "was": "shown"})

    # And a resident blocked from posting for a week.
    rude.blocked_until = utcnow() + timedelta(days=7)
    rude.block_reason = BLOCK_REASON
    record(moderator, "user.block", "user", rude.id, reason=BLOCK_REASON,
           details={"days": 7, "until": rude.blocked_until.isoformat(), "reports": 0})
    db.session.flush()
    return True
