"""The public moderation log: pages of audit entries in words, with links to what they concern."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import ROLE_LABELS, Role, User
from app.consultations.models import Consultation, District, Indicator, StrategyGoal
from app.extensions import db
from app.moderation.audit import HEAD_ID
from app.moderation.models import ACTION_LABELS, SYSTEM_ROLE, TARGET_LABELS, AuditEntry, AuditHead
from app.organisations.models import Organisation
from app.proposals.models import Proposal, ProposalStatus

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
    if entry.action == "indicator.import":
        return str(_l("%(created)s created, %(updated)s updated, %(values)s yearly values",
                      created=details.get("created", 0), updated=details.get("updated", 0),
                      values=details.get("values", 0)))
    return None
