"""Moderation: the public log (audit entries in words, with links to what they concern),
reports, the moderators' queue and their actions on content and accounts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from app import clock
from app.accounts.models import ROLE_LABELS, Role, User
from app.consultations.models import (
    PARTICIPATION_PHASES,
    Consultation,
    District,
    Indicator,
    Phase,
    StrategyGoal,
)
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import HEAD_ID, record
from app.moderation.models import (
    ACTION_LABELS,
    SYSTEM_ROLE,
    TARGET_LABELS,
    AuditEntry,
    AuditHead,
    Report,
    ReportKind,
    ReportReason,
)
from app.organisations.models import Organisation
from app.proposals.models import HiddenState, Proposal, ProposalStatus

PER_PAGE = 20
SYSTEM_LABEL = _l("System")
SYSTEM_NAME = "Agora"
DELETED_NAME = _l("deleted user")


@dataclass(frozen=True)
class LogRow:
    """One entry as the public page shows it."""

    entry: AuditEntry
    actor_role: str
    actor_name: str
    target_label: str
    target_url: str | None
    summary: str | None


def parse_action(value: str | None) -> str:
    """An action code from the query string, or "" for all (unknown codes are dropped)."""
    return value if value in ACTION_LABELS else ""


def action_choices() -> list[tuple[str, str]]:
    """Every action code with its words, for the filter."""
    return [(code, str(label)) for code, label in ACTION_LABELS.items()]


def log_page(page: int, action: str = ""):
    """One page of entries, newest first, of one kind of action or of all."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def chain_head() -> AuditHead | None:
    """The number and hash of the last entry, published so anyone can note them down."""
    return db.session.get(AuditHead, HEAD_ID)


def log_rows(entries: Iterable[AuditEntry]) -> list[LogRow]:
    """The entries in words: who (role and name), what, about what, with a link if it exists.

    One query per kind of target on the page, whatever the number of entries.
    """
    entries = list(entries)
    ids: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.target_id is not None:
            ids[entry.target_type].add(entry.target_id)
    found = {kind: TARGETS[kind](kind_ids) for kind, kind_ids in ids.items() if kind in TARGETS}
    rows = []
    for entry in entries:
        label, url = found.get(entry.target_type, {}).get(entry.target_id, (None, None))
        if entry.target_type in WHOLE_TARGETS:
            url = url_for(WHOLE_TARGETS[entry.target_type])
        rows.append(LogRow(
            entry=entry, actor_role=_role_label(entry.actor_role), actor_name=_actor_name(entry),
            target_label=label or _stored_label(entry), target_url=url,
            summary=_summary(entry)))
    return rows


def _role_label(value: str) -> str:
    if value == SYSTEM_ROLE:
        return str(SYSTEM_LABEL)
    try:
        return str(ROLE_LABELS[Role(value)])
    except ValueError:
        return value


def _actor_name(entry: AuditEntry) -> str:
    if entry.actor_role == SYSTEM_ROLE:
        return SYSTEM_NAME
    return entry.actor_name or str(DELETED_NAME)


def _stored_label(entry: AuditEntry) -> str:
    """What the entry itself says about its target (for one deleted or not public)."""
    if entry.target_type == "setting" and entry.details.get("key"):
        return str(entry.details["key"])
    for key in ("title", "name"):
        if entry.details.get(key):
            text = str(entry.details[key])
            code = entry.details.get("code")
            return f"{code} {text}" if code else text
    kind = str(TARGET_LABELS.get(entry.target_type, entry.target_type))
    return f"{kind} #{entry.target_id}" if entry.target_id is not None else kind


# -- Targets: label and link of each that still exists and is public ----------------------

Found = dict[int, tuple[str, str | None]]


def _proposals(ids: Collection[int]) -> Found:
    rows = db.session.execute(select(Proposal.id, Proposal.title)
                              .where(Proposal.id.in_(ids),
                                     Proposal.status != ProposalStatus.DRAFT))
    return {pid: (title, url_for("proposals.show", proposal_id=pid)) for pid, title in rows}


def _consultations(ids: Collection[int]) -> Found:
    rows = db.session.execute(select(Consultation.id, Consultation.title)
                              .where(Consultation.id.in_(ids)))
    return {cid: (title, url_for("consultations.show", consultation_id=cid))
            for cid, title in rows}


def _districts(ids: Collection[int]) -> Found:
    rows = db.session.execute(select(District.id, District.name).where(District.id.in_(ids)))
    return {did: (name, None) for did, name in rows}


def _goals(ids: Collection[int]) -> Found:
    rows = db.session.execute(select(StrategyGoal.id, StrategyGoal.code, StrategyGoal.title)
                              .where(StrategyGoal.id.in_(ids)))
    return {gid: (f"{code} {title}", url_for("consultations.goal", code=code))
            for gid, code, title in rows}


def _indicators(ids: Collection[int]) -> Found:
    rows = db.session.execute(
        select(Indicator.id, Indicator.name, StrategyGoal.code)
        .join(StrategyGoal, StrategyGoal.id == Indicator.goal_id).where(Indicator.id.in_(ids)))
    return {iid: (name, url_for("consultations.goal", code=code)) for iid, name, code in rows}


def _organisations(ids: Collection[int]) -> Found:
    rows = db.session.execute(select(Organisation.id, Organisation.name)
                              .where(Organisation.id.in_(ids),
                                     Organisation.approved_at.is_not(None)))
    return {oid: (name, url_for("organisations.show", organisation_id=oid))
            for oid, name in rows}


def _comments(ids: Collection[int]) -> Found:
    """Comments by number, linked in place on their proposal's page."""
    from app.discussion.models import Comment  # not at the top: an import cycle

    rows = db.session.execute(select(Comment.id, Comment.proposal_id).where(Comment.id.in_(ids)))
    return {cid: (f"{_l('Comment')} #{cid}", url_for("proposals.show", proposal_id=pid,
                                                    _anchor=f"comment-{cid}"))
            for cid, pid in rows}


def _users(ids: Collection[int]) -> Found:
    """People by the name they show now ("deleted user" once erased); no profile to link."""
    return {user.id: (user.public_name, None)
            for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


#: Targets that are a whole page rather than a row (entries about them have no id).
WHOLE_TARGETS = {"strategy": "consultations.strategy"}

TARGETS: dict[str, Callable[[Collection[int]], Found]] = {
    "proposal": _proposals,
    "consultation": _consultations,
    "district": _districts,
    "goal": _goals,
    "indicator": _indicators,
    "organisation": _organisations,
    "user": _users,
    "comment": _comments,
}


# -- Details in words ----------------------------------------------------------------------


def _labelled(kind: Callable[[str], Any], value: Any) -> str:
    try:
        return kind(value).label
    except ValueError:
        return str(value)


def _summary(entry: AuditEntry) -> str | None:
    details = entry.details
    if entry.action == "proposal.status" and {"from", "to"} <= details.keys():
        return (f"{_labelled(ProposalStatus, details['from'])} → "
                f"{_labelled(ProposalStatus, details['to'])}")
    if entry.action == "user.role" and "to" in details:
        before = _labelled(Role, details["from"]) if details.get("from") else "—"
        return f"{before} → {_labelled(Role, details['to'])}"
    if entry.action == "district.rename" and {"from", "to"} <= details.keys():
        return str(_l("“%(old)s” → “%(new)s”", old=details["from"], new=details["to"]))
    if entry.action == "user.block" and details.get("until"):
        return str(_l("until %(until)s", until=format_datetime(
            datetime.fromisoformat(details["until"]), "short")))
    if entry.action == "content.auto_hide" and "reports" in details:
        return str(_l("%(num)s reports", num=details["reports"]))
    if entry.action == "proposal.merge" and "into" in details:
        return str(_l("into proposal #%(id)s", id=details["into"]))
    if entry.action == "indicator.import":
        return str(_l("%(created)s created, %(updated)s updated, %(values)s yearly values",
                      created=details.get("created", 0), updated=details.get("updated", 0),
                      values=details.get("values", 0)))
    return None


# ============================================================================================
# Reports, the moderators' queue and their actions.
#
# Every action of a moderator is written to the audit log (`record`) in the same transaction
# as the change, and its author is notified in-app. Hiding an item automatically when enough
# residents report it is the platform's own rule: it is recorded with no actor (the log shows
# "System"), never in a moderator's name.
# ============================================================================================

# Discussion, supports, notifications and the proposals' services are imported where used: this
# package's audit log is imported by nearly every feature, and its views with it.


def notify_moderation(user_id: int | None, event: str, **kwargs: Any) -> None:
    """`app.notifications.services.notify_moderation`, imported when first needed."""
    from app.notifications.services import notify_moderation as notify

    notify(user_id, event, **kwargs)


REPORTS_TO_HIDE = "reports_to_hide"
REPORTS_TO_HIDE_DEFAULT = 3
MAX_REPORTS_TO_HIDE = 1000
QUEUE_SORTS = ("newest", "most")


class ModerationError(Exception):
    """An action that cannot be taken on this item now; str() says why, in the user's words."""


def reports_to_hide() -> int:
    """How many residents' reports hide an item pending review (site setting; 0: never)."""
    from app.admin.services import get_setting  # app.admin imports the audit log from here

    value = get_setting(REPORTS_TO_HIDE, REPORTS_TO_HIDE_DEFAULT)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_REPORTS_TO_HIDE:
        return value
    return REPORTS_TO_HIDE_DEFAULT


@dataclass
class Target:
    """A reported (or reportable) item: a proposal, a comment or an account, with its context."""

    kind: ReportKind
    item: Any  # Proposal, Comment or User
    proposal: Proposal | None = None  # the proposal a comment belongs to, or the proposal

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def author_id(self) -> int | None:
        if self.kind is ReportKind.USER:
            return self.item.id
        return self.item.author_id

    @property
    def hideable(self) -> bool:
        return self.kind is not ReportKind.USER

    @property
    def title(self) -> str:
        return self.proposal.title if self.proposal is not None else ""


def load_target(kind: str, target_id: int) -> Target | None:
    """The item a report or an action is about, if it exists and may be reported."""
    from app.discussion.models import Comment  # not at the top: an import cycle

    if kind == ReportKind.PROPOSAL:
        proposal = db.session.get(Proposal, target_id)
        if proposal is None or proposal.status is ProposalStatus.DRAFT:
            return None
        return Target(ReportKind.PROPOSAL, proposal, proposal)
    if kind == ReportKind.COMMENT:
        comment = db.session.get(Comment, target_id)
        if comment is None or comment.deleted_at is not None:
            return None
        proposal = db.session.get(Proposal, comment.proposal_id)
        if proposal is None or proposal.status is ProposalStatus.DRAFT:
            return None
        return Target(ReportKind.COMMENT, comment, proposal)
    if kind == ReportKind.USER:
        user = db.session.get(User, target_id)
        if user is None or user.is_deleted:
            return None
        return Target(ReportKind.USER, user)
    return None


def has_reported(user: User, target: Target) -> bool:
    """Whether this person already reported the item (reports are once per item)."""
    return db.session.scalar(select(Report.id).where(
        Report.target_type == target.kind, Report.target_id == target.id,
        Report.reporter_id == user.id)) is not None


def report_refusal(user: User, target: Target) -> str | None:
    """Why this person may not report the item, or None when they may."""
    if target.author_id == user.id:
        return str(_l("You cannot report your own contribution or account."))
    if has_reported(user, target):
        return str(_l("You have already reported this. Moderators will look at it; "
                      "each person can report an item once."))
    return None


def open_report_count(target: Target) -> int:
    """Reports about the item that no moderator has handled yet (one per resident)."""
    return db.session.scalar(select(func.count(Report.id)).where(
        Report.target_type == target.kind, Report.target_id == target.id,
        Report.resolved_at.is_(None))) or 0


def file_report(reporter: User, target: Target, reason: ReportReason, details: str = "") -> bool:
    """Record a report; the Nth open report from different residents hides the item pending
    review. Returns True when this report hid it. Raises ModerationError when refused."""
    from app.notifications.services import insert_ignoring_duplicates

    refusal = report_refusal(reporter, target)
    if refusal:
        raise ModerationError(refusal)
    # Reports of one item queue up on its row (PostgreSQL; SQLite has one writer), so each
    # counts the ones committed before it and the Nth report always sees N.
    model = type(target.item)
    db.session.execute(select(model.id).where(model.id == target.id).with_for_update())
    added = insert_ignoring_duplicates(
        Report, target_type=target.kind.value, target_id=target.id, reporter_id=reporter.id,
        reason=reason.value, details=(details or "").strip(), created_at=utcnow())
    if not added:  # the same person's report, sent twice at once
        db.session.rollback()
        raise ModerationError(str(_l("You have already reported this.")))
    hid = False
    threshold = reports_to_hide()
    count = open_report_count(target)
    if target.hideable and threshold and count >= threshold:
        hid = _hide_pending_review(target, count)
    db.session.commit()
    return hid


def _hide_pending_review(target: Target, count: int) -> bool:
    """Hide a shown item until a moderator looks: the platform's rule, logged with no actor."""
    from app.discussion.models import Comment  # not at the top: an import cycle

    model = Proposal if target.kind is ReportKind.PROPOSAL else Comment
    # Conditional, so that of two reports crossing the threshold at once only one hides.
    hidden = db.session.execute(
        update(model).where(model.id == target.id, model.hidden_state.is_(None))
        .values(hidden_state=HiddenState.PENDING, hidden_reason=None, hidden_at=utcnow())
        .returning(model.id).execution_options(synchronize_session=False)).first()
    if hidden is None:
        return False
    db.session.refresh(target.item)
    record(None, "content.auto_hide", target.kind.value, target.id,
           details={"reports": count, "threshold": reports_to_hide()})
    _notify_author(target, f"{target.kind.value}_pending")
    return True


def _notify_author(target: Target, event: str, **params: Any) -> None:
    comment_id = target.id if target.kind is ReportKind.COMMENT else None
    notify_moderation(target.author_id, event,
                      proposal_id=target.proposal.id if target.proposal else None,
                      comment_id=comment_id, title=target.title, **params)


def _resolve_reports(target: Target) -> int:
    """Mark the item's open reports as handled; returns how many there were."""
    return db.session.execute(
        update(Report).where(Report.target_type == target.kind, Report.target_id == target.id,
                             Report.resolved_at.is_(None))
        .values(resolved_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def hide_item(target: Target, moderator: User, reason: str) -> None:
    """Hide a proposal or comment with a public reason, shown in its place."""
    if not target.hideable:
        raise ModerationError(str(_l("Only proposals and comments can be hidden.")))
    item = target.item
    was = item.hidden_state
    item.hidden_state = HiddenState.HIDDEN
    item.hidden_reason = reason.strip()
    item.hidden_at = utcnow()
    reports = _resolve_reports(target)
    record(moderator, "content.hide", target.kind.value, target.id, reason=reason,
           details=_context(target, reports=reports,
                            was=was.value if was else "shown"))
    _notify_author(target, f"{target.kind.value}_hidden", reason=reason.strip())
    db.session.commit()


def restore_item(target: Target, moderator: User, reason: str = "") -> None:
    """Show a hidden proposal or comment again; its open reports are handled."""
    item = target.item
    if not target.hideable or item.hidden_state is None:
        raise ModerationError(str(_l("This item is not hidden.")))
    was = item.hidden_state
    item.hidden_state = None
    item.hidden_reason = None
    item.hidden_at = None
    reports = _resolve_reports(target)
    record(moderator, "content.restore", target.kind.value, target.id, reason=reason,
           details=_context(target, reports=reports, was=was.value))
    _notify_author(target, f"{target.kind.value}_restored")
    db.session.commit()


def dismiss_reports(target: Target, moderator: User, reason: str = "") -> int:
    """The reports were unfounded: handle them, and show again an item hidden pending review."""
    reports = _resolve_reports(target)
    if reports == 0:
        raise ModerationError(str(_l("There are no open reports about this item.")))
    restored = False
    if target.hideable and target.item.hidden_state is HiddenState.PENDING:
        target.item.hidden_state = None
        target.item.hidden_at = None
        restored = True
    record(moderator, "report.dismiss", target.kind.value, target.id, reason=reason,
           details=_context(target, reports=reports, restored=restored))
    if restored:
        _notify_author(target, f"{target.kind.value}_restored")
    db.session.commit()
    return reports


def _context(target: Target, **details: Any) -> dict[str, Any]:
    if target.kind is ReportKind.COMMENT:
        details["proposal_id"] = target.proposal.id
    return details


def lock_discussion(proposal: Proposal, moderator: User, reason: str) -> None:
    """Close a proposal's discussion to new comments, with a public reason."""
    if proposal.discussion_locked:
        raise ModerationError(str(_l("The discussion is already locked.")))
    proposal.discussion_locked_at = utcnow()
    proposal.discussion_lock_reason = reason.strip()
    record(moderator, "discussion.lock", "proposal", proposal.id, reason=reason)
    notify_moderation(proposal.author_id, "locked", proposal_id=proposal.id,
                      title=proposal.title, reason=reason.strip())
    db.session.commit()


def unlock_discussion(proposal: Proposal, moderator: User, reason: str = "") -> None:
    """Open a locked discussion again."""
    if not proposal.discussion_locked:
        raise ModerationError(str(_l("The discussion is not locked.")))
    proposal.discussion_locked_at = None
    proposal.discussion_lock_reason = None
    record(moderator, "discussion.unlock", "proposal", proposal.id, reason=reason)
    notify_moderation(proposal.author_id, "unlocked", proposal_id=proposal.id,
                      title=proposal.title)
    db.session.commit()


def block_refusal(moderator: User, user: User) -> str | None:
    """Moderators block residents only (never themselves, nor other moderators or staff)."""
    if user.id == moderator.id:
        return str(_l("You cannot block yourself."))
    if user.role is not Role.RESIDENT:
        return str(_l("Only residents can be blocked; ask an administrator to change the "
                      "role of a moderator or staff member first."))
    return None


def block_user(user: User, moderator: User, days: int, reason: str) -> None:
    """Keep a resident from posting for `days` days, with a reason they see; the open
    reports about the account are handled."""
    refusal = block_refusal(moderator, user)
    if refusal:
        raise ModerationError(refusal)
    user.blocked_until = utcnow() + timedelta(days=days)
    user.block_reason = reason.strip()
    target = Target(ReportKind.USER, user)
    reports = _resolve_reports(target)
    until = user.blocked_until.isoformat()
    record(moderator, "user.block", "user", user.id, reason=reason,
           details={"days": days, "until": until, "reports": reports})
    notify_moderation(user.id, "blocked", reason=reason.strip(), until=until)
    db.session.commit()


def unblock_user(user: User, moderator: User, reason: str = "") -> None:
    """Lift a block before it ends."""
    if not user.is_blocked:
        raise ModerationError(str(_l("This person is not blocked.")))
    user.blocked_until = None
    user.block_reason = None
    record(moderator, "user.unblock", "user", user.id, reason=reason)
    notify_moderation(user.id, "unblocked")
    db.session.commit()


# -- The queue --------------------------------------------------------------------------------


@dataclass
class QueueItem:
    """One reported item with its open reports, newest first."""

    target: Target
    count: int
    last_reported_at: datetime
    reports: list[Report]

    @property
    def key(self) -> str:
        return f"{self.target.kind.value}-{self.target.id}"


@dataclass
class QueuePage:
    """A page of the queue, with what templates/_partials/pagination.html needs."""

    items: list[QueueItem]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self):
        return iter(range(1, self.pages + 1))


def queue_sort(value: str | None) -> str:
    """Only the known orders of the queue; anything else means newest first."""
    return value if value in QUEUE_SORTS else QUEUE_SORTS[0]


def queue_page(page: int, sort: str = "newest") -> QueuePage:
    """Reported items with open reports, newest report or most reports first, in a constant
    number of queries (one per kind of item on the page)."""
    count = func.count(Report.id).label("count")
    last = func.max(Report.created_at).label("last")
    grouped = (select(Report.target_type, Report.target_id, count, last)
               .where(Report.resolved_at.is_(None))
               .group_by(Report.target_type, Report.target_id))
    total = db.session.scalar(select(func.count()).select_from(grouped.subquery())) or 0
    order = [count.desc(), last.desc()] if sort == "most" else [last.desc(), count.desc()]
    rows = db.session.execute(grouped.order_by(*order, Report.target_type, Report.target_id)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    wanted: dict[ReportKind, set[int]] = defaultdict(set)
    for kind, target_id, _count, _last in rows:
        wanted[ReportKind(kind)].add(target_id)
    targets = _load_targets(wanted)
    reports: dict[tuple[ReportKind, int], list[Report]] = defaultdict(list)
    if rows:
        conditions = [(Report.target_type == kind) & Report.target_id.in_(ids)
                      for kind, ids in wanted.items()]
        for report in db.session.scalars(
                select(Report).where(Report.resolved_at.is_(None), or_(*conditions))
                .order_by(Report.created_at.desc(), Report.id.desc())):
            reports[(report.target_type, report.target_id)].append(report)
    items = []
    for kind, target_id, number, last_at in rows:
        target = targets.get((ReportKind(kind), target_id))
        if target is not None:
            items.append(QueueItem(target, number, last_at,
                                   reports[(ReportKind(kind), target_id)]))
    return QueuePage(items, page, PER_PAGE, total)


def _load_targets(wanted: dict[ReportKind, set[int]]) -> dict[tuple[ReportKind, int], Target]:
    from app.discussion.models import Comment  # not at the top: an import cycle

    found: dict[tuple[ReportKind, int], Target] = {}
    if wanted.get(ReportKind.PROPOSAL):
        for proposal in db.session.scalars(
                select(Proposal).options(joinedload(Proposal.author))
                .where(Proposal.id.in_(wanted[ReportKind.PROPOSAL]))):
            found[(ReportKind.PROPOSAL, proposal.id)] = Target(ReportKind.PROPOSAL, proposal,
                                                               proposal)
    if wanted.get(ReportKind.COMMENT):
        for comment, proposal in db.session.execute(
                select(Comment, Proposal).join(Proposal, Proposal.id == Comment.proposal_id)
                .options(joinedload(Comment.author))
                .where(Comment.id.in_(wanted[ReportKind.COMMENT]))):
            found[(ReportKind.COMMENT, comment.id)] = Target(ReportKind.COMMENT, comment,
                                                             proposal)
    if wanted.get(ReportKind.USER):
        for user in db.session.scalars(select(User).where(
                User.id.in_(wanted[ReportKind.USER]))):
            found[(ReportKind.USER, user.id)] = Target(ReportKind.USER, user)
    return found


def queue_item(target: Target) -> QueueItem | None:
    """One item as the queue shows it (after an action, for htmx), or None once handled."""
    reports = list(db.session.scalars(
        select(Report).where(Report.target_type == target.kind, Report.target_id == target.id,
                             Report.resolved_at.is_(None))
        .order_by(Report.created_at.desc(), Report.id.desc())))
    if not reports:
        return None
    return QueueItem(target, len(reports), reports[0].created_at, reports)


# -- Review of submitted proposals ------------------------------------------------------------

#: The moderator's decisions and the status each one gives.
REVIEW_DECISIONS = {
    "accept": ProposalStatus.ACCEPTED,
    "reject": ProposalStatus.REJECTED,
    "changes": ProposalStatus.CHANGES_REQUESTED,
}


def review_refusal(proposal: Proposal, moderator: User) -> str | None:
    """Why this proposal cannot be reviewed now, or None when it can."""
    if proposal.author_id == moderator.id:
        return str(_l("You cannot review your own proposal; another moderator will."))
    if proposal.status is not ProposalStatus.SUBMITTED:
        return str(_l("Only submitted proposals are reviewed. This one is: %(status)s.",
                      status=proposal.status.label))
    phase = proposal.consultation.phase_today()
    if phase is not Phase.REVIEW:
        return str(_l("Proposals are reviewed in the review phase of the consultation. "
                      "It is now in the phase: %(phase)s.", phase=phase.label))
    return None


def review_proposal(proposal: Proposal, moderator: User, decision: str, reason: str = "") -> None:
    """Accept a proposal for the vote, reject it with a reason, or send it back to its authors
    with the changes asked for; through the status history, so the authors are notified and
    the decision is logged."""
    from app.proposals.services import change_status

    refusal = review_refusal(proposal, moderator)
    if refusal:
        raise ModerationError(refusal)
    change_status(proposal, REVIEW_DECISIONS[decision], moderator, reason.strip() or None)
    db.session.commit()


def review_page(page: int):
    """Submitted proposals of consultations in their review phase, oldest first."""
    day = clock.today()
    query = (select(Proposal).join(Consultation, Consultation.id == Proposal.consultation_id)
             .options(joinedload(Proposal.consultation), joinedload(Proposal.author))
             .where(Proposal.status == ProposalStatus.SUBMITTED,
                    Consultation.review_from <= day, Consultation.deliberation_from > day,
                    Consultation.voting_from > day, Consultation.results_from > day)
             .order_by(Proposal.updated_at, Proposal.id))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


# -- Merging duplicates -----------------------------------------------------------------------

#: Statuses a proposal cannot be merged from or into.
UNMERGEABLE = frozenset({ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN, ProposalStatus.MERGED})
MAX_MERGE_CANDIDATES = 500


def merge_candidates(proposal: Proposal) -> list[Proposal]:
    """The proposals of the same consultation this one may be merged into, by title."""
    return list(db.session.scalars(
        select(Proposal).where(Proposal.consultation_id == proposal.consultation_id,
                               Proposal.id != proposal.id,
                               Proposal.status.not_in(UNMERGEABLE))
        .order_by(Proposal.title, Proposal.id).limit(MAX_MERGE_CANDIDATES)))


def merge_refusal(duplicate: Proposal) -> str | None:
    """Why this proposal cannot be merged into another, or None when it can."""
    if duplicate.status in UNMERGEABLE:
        return str(_l("This proposal cannot be merged: it is %(status)s.",
                      status=duplicate.status.label))
    phase = duplicate.consultation.phase_today()
    if phase not in PARTICIPATION_PHASES:
        return str(_l("Proposals can be merged only before the vote. The consultation is now "
                      "in the phase: %(phase)s.", phase=phase.label))
    return None


@dataclass(frozen=True)
class MergeResult:
    supports_moved: int
    pledges_moved: int


def _insert_from(model: type[db.Model], columns: list[str], select_rows) -> None:
    insert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite_insert)
    db.session.execute(insert(model.__table__).from_select(columns, select_rows)
                       .on_conflict_do_nothing())


def _check_merge(duplicate: Proposal, into: Proposal) -> None:
    refusal = merge_refusal(duplicate)
    if refusal is None and (into.id == duplicate.id or into.status in UNMERGEABLE
                            or into.consultation_id != duplicate.consultation_id):
        refusal = str(_l("Choose another proposal of the same consultation to merge into."))
    if refusal:
        raise ModerationError(refusal)


def merge_proposals(duplicate: Proposal, into: Proposal, moderator: User,
                    reason: str = "") -> MergeResult:
    """Merge `duplicate` into `into`: its supports, pledges and followers move over (a person
    who supported or pledged to both keeps one, never counted twice), it shows "merged into"
    with a link, and the authors of both are notified."""
    from app.notifications.models import Follow
    from app.proposals.services import change_status
    from app.supports.models import Pledge, Support

    _check_merge(duplicate, into)
    # Lock both rows, always in the order of their ids (two moderators merging A into B and
    # B into A at once then wait for each other instead of deadlocking), and check again on
    # what is committed now: supports counted meanwhile wait, and a second moderator merging
    # the same pair is told it is done, not let through twice.
    db.session.scalars(select(Proposal).where(Proposal.id.in_({into.id, duplicate.id}))
                       .order_by(Proposal.id).with_for_update()
                       .execution_options(populate_existing=True)).all()
    _check_merge(duplicate, into)
    source = Support.__table__.alias("source")
    moved_supports = db.session.scalar(
        select(func.count()).select_from(source).where(
            source.c.proposal_id == duplicate.id,
            ~select(Support.id).where(Support.proposal_id == into.id,
                                      Support.user_id == source.c.user_id).exists())) or 0
    _insert_from(Support, ["proposal_id", "user_id", "created_at"],
                 select(literal(into.id), source.c.user_id, source.c.created_at)
                 .where(source.c.proposal_id == duplicate.id))
    pledges = Pledge.__table__.alias("source")
    moved_pledges = db.session.scalar(
        select(func.count()).select_from(pledges).where(
            pledges.c.proposal_id == duplicate.id,
            ~select(Pledge.id).where(Pledge.proposal_id == into.id,
                                     Pledge.pledger == pledges.c.pledger).exists())) or 0
    _insert_from(Pledge, ["proposal_id", "pledger", "user_id", "organisation_id", "role",
                          "created_at"],
                 select(literal(into.id), pledges.c.pledger, pledges.c.user_id,
                        pledges.c.organisation_id, pledges.c.role, pledges.c.created_at)
                 .where(pledges.c.proposal_id == duplicate.id))
    follows = Follow.__table__.alias("source")
    _insert_from(Follow, ["user_id", "proposal_id", "created_at"],
                 select(follows.c.user_id, literal(into.id), follows.c.created_at)
                 .where(follows.c.proposal_id == duplicate.id))
    db.session.execute(delete(Support).where(Support.proposal_id == duplicate.id))
    db.session.execute(delete(Pledge).where(Pledge.proposal_id == duplicate.id))
    count = select(func.count(Support.id)).where(Support.proposal_id == into.id)
    db.session.execute(update(Proposal).where(Proposal.id == into.id)
                       .values(support_count=count.scalar_subquery())
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Proposal).where(Proposal.id == duplicate.id)
                       .values(support_count=0).execution_options(synchronize_session=False))
    db.session.refresh(into)
    if into.qualified_at is None and into.support_count >= into.consultation.support_threshold:
        into.qualified_at = utcnow()
    duplicate.merged_into_id = into.id
    note = reason.strip() or str(_l("Merged into the proposal “%(title)s”.", title=into.title))
    change_status(duplicate, ProposalStatus.MERGED, moderator, note)
    result = MergeResult(moved_supports, moved_pledges)
    record(moderator, "proposal.merge", "proposal", duplicate.id, reason=reason,
           details={"into": into.id, "supports_moved": result.supports_moved,
                    "pledges_moved": result.pledges_moved})
    notify_moderation(into.author_id, "merged_into_yours", proposal_id=into.id,
                      title=into.title, other=duplicate.title)
    db.session.commit()
    return result
