"""Logic of proposals: writing and editing, the status history, listing and search."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask import abort
from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    and_,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import joinedload

from app import antispam, clock
from app.accounts.models import User
from app.consultations.models import Consultation, District, StrategyGoal
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import record
from app.proposals.models import (
    Proposal,
    ProposalCoauthor,
    ProposalGoal,
    ProposalStatus,
    ProposalStatusChange,
    Sector,
)
from app.proposals.permissions import SUBMITTABLE_STATUSES, is_author, is_editor
from app.text import fold, render_markdown

PER_PAGE = 20
MAX_SEARCH_WORDS = 8
SORTS = ("newest", "supported", "discussed", "random")
#: Statuses a visitor may filter by; drafts are never listed publicly.
LISTED_STATUSES = tuple(s for s in ProposalStatus if s is not ProposalStatus.DRAFT)
#: The listing shows these unless a status is asked for.
DEFAULT_STATUSES = tuple(s for s in LISTED_STATUSES
                         if s not in {ProposalStatus.WITHDRAWN, ProposalStatus.MERGED})
WHOLE_CITY = "city"
# Random order: each id is mixed with the visitor's seed and hashed in SQL (see random_order);
# every product stays within 64-bit integers on SQLite and PostgreSQL.
RANDOM_MULTIPLIER = 2654435761
RANDOM_MODULUS = 4294967291
RANDOM_SECOND_MULTIPLIER = 1597334677  # below 2**31, so products stay below 2**63
SEED_RANGE = (2**20, 2**30)
SEARCH_CONFIG = literal_column("'agora_polish'::regconfig")



# --- choices for forms and filters ------------------------------------------------------------

def open_consultations() -> list[Consultation]:
    """Consultations accepting proposals today, newest first."""
    day = clock.today()
    return list(db.session.scalars(
        select(Consultation).where(
            Consultation.proposals_from <= day, Consultation.review_from > day,
            Consultation.deliberation_from > day, Consultation.voting_from > day,
            Consultation.results_from > day)
        .order_by(Consultation.proposals_from.desc(), Consultation.id.desc())))


def all_consultations() -> list[Consultation]:
    """Every consultation, newest first (for the listing's filter)."""
    return list(db.session.scalars(
        select(Consultation).order_by(Consultation.proposals_from.desc(),
                                      Consultation.id.desc())))


def get_consultation(consultation_id: int) -> Consultation | None:
    """A consultation by id, if it exists."""
    return db.session.get(Consultation, consultation_id)


def all_districts() -> list[District]:
    """The city's districts by name."""
    return list(db.session.scalars(select(District).order_by(District.name)))


def _code_key(goal: StrategyGoal) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in goal.code.split("."))


@dataclass
class GoalNode:
    """A strategy goal with the objectives under it."""

    goal: StrategyGoal
    children: list[GoalNode] = field(default_factory=list)


def goal_tree() -> list[GoalNode]:
    """The strategy's goals in code order, objectives nested under their goal."""
    goals = sorted(db.session.scalars(select(StrategyGoal)), key=_code_key)
    nodes = {goal.id: GoalNode(goal) for goal in goals}
    roots = []
    for goal in goals:
        parent = nodes.get(goal.parent_id) if goal.parent_id else None
        (parent.children if parent else roots).append(nodes[goal.id])
    return roots


def flatten_goals(nodes: Iterable[GoalNode], depth: int = 0) -> list[tuple[StrategyGoal, int]]:
    """The tree as (goal, depth) pairs in reading order."""
    flat: list[tuple[StrategyGoal, int]] = []
    for node in nodes:
        flat.append((node.goal, depth))
        flat.extend(flatten_goals(node.children, depth + 1))
    return flat


def confirmed_users_by_email(emails: Iterable[str]) -> dict[str, User]:
    """Live accounts with a confirmed address among these emails, keyed by the address."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    if not wanted:
        return {}
    found = db.session.scalars(select(User).where(
        User.email.in_(wanted), User.deleted_at.is_(None),
        User.email_confirmed_at.is_not(None)))
    return {user.email: user for user in found}


# --- loading one proposal ---------------------------------------------------------------------

def get_proposal_or_404(proposal_id: int) -> Proposal:
    """A proposal with its consultation, district and author, or 404."""
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.consultation), joinedload(Proposal.district),
                 joinedload(Proposal.author)))
    if proposal is None:
        abort(404)
    return proposal


def coauthors_of(proposal: Proposal) -> list[User]:
    """The co-authors with live accounts, by name."""
    return list(db.session.scalars(
        select(User).join(ProposalCoauthor, ProposalCoauthor.user_id == User.id)
        .where(ProposalCoauthor.proposal_id == proposal.id, User.deleted_at.is_(None))
        .order_by(User.display_name, User.id)))


def goals_of(proposal: Proposal) -> list[StrategyGoal]:
    """The strategy goals a proposal serves, in code order."""
    goals = db.session.scalars(
        select(StrategyGoal).join(ProposalGoal, ProposalGoal.goal_id == StrategyGoal.id)
        .where(ProposalGoal.proposal_id == proposal.id))
    return sorted(goals, key=_code_key)


def status_history(proposal: Proposal) -> list[tuple[ProposalStatusChange, User | None]]:
    """Every status the proposal went through, oldest first, with who changed it."""
    rows = db.session.execute(
        select(ProposalStatusChange, User)
        .outerjoin(User, User.id == ProposalStatusChange.changed_by_id)
        .where(ProposalStatusChange.proposal_id == proposal.id)
        .order_by(ProposalStatusChange.changed_at, ProposalStatusChange.id))
    return [(change, user) for change, user in rows]


# --- writing ----------------------------------------------------------------------------------

@dataclass
class ProposalData:
    """What an author fills in; co-authors None means "leave them as they are"."""

    title: str
    body_markdown: str
    sector: Sector
    district_id: int | None
    estimated_cost: Decimal
    expected_jobs: int
    goal_ids: list[int]
    coauthors: list[User] | None = None


def _apply(proposal: Proposal, data: ProposalData) -> None:
    proposal.title = data.title.strip()
    proposal.body_markdown = data.body_markdown
    proposal.body_html = str(render_markdown(data.body_markdown))
    proposal.search_text = fold(f"{proposal.title} {data.body_markdown}")
    proposal.sector = data.sector
    proposal.district_id = data.district_id
    proposal.estimated_cost = data.estimated_cost
    proposal.expected_jobs = data.expected_jobs
    proposal.updated_at = utcnow()


def _replace_links(proposal: Proposal, data: ProposalData) -> None:
    db.session.execute(ProposalGoal.__table__.delete().where(
        ProposalGoal.proposal_id == proposal.id))
    db.session.add_all(ProposalGoal(proposal_id=proposal.id, goal_id=goal_id)
                       for goal_id in dict.fromkeys(data.goal_ids))
    if data.coauthors is not None:
        db.session.execute(ProposalCoauthor.__table__.delete().where(
            ProposalCoauthor.proposal_id == proposal.id))
        db.session.add_all(ProposalCoauthor(proposal_id=proposal.id, user_id=user.id)
                           for user in {u.id: u for u in data.coauthors}.values()
                           if user.id != proposal.author_id)


def create_proposal(author: User, consultation: Consultation, data: ProposalData, *,
                    submit: bool) -> Proposal:
    """Save a new proposal as a draft, or submitted for review, within the posting limits."""
    antispam.check_posting_limits(author, antispam.PROPOSALS, Proposal.author_id,
                                  Proposal.created_at)
    proposal = Proposal(consultation_id=consultation.id, author_id=author.id,
                        status=ProposalStatus.DRAFT, support_count=0, comment_count=0)
    _apply(proposal, data)
    db.session.add(proposal)
    db.session.flush()
    _replace_links(proposal, data)
    change_status(proposal, ProposalStatus.SUBMITTED if submit else ProposalStatus.DRAFT,
                  author)
    db.session.commit()
    return proposal


def update_proposal(proposal: Proposal, editor: User, data: ProposalData, *,
                    submit: bool) -> None:
    """Save changes to a draft or submitted proposal; a draft may be submitted at once."""
    _apply(proposal, data)
    _replace_links(proposal, data)
    if submit and proposal.status in SUBMITTABLE_STATUSES:
        change_status(proposal, ProposalStatus.SUBMITTED, editor)
    db.session.commit()


def submit_proposal(proposal: Proposal, actor: User) -> None:
    """Send a draft, or a proposal a moderator sent back for changes, for review."""
    if proposal.status in SUBMITTABLE_STATUSES:
        change_status(proposal, ProposalStatus.SUBMITTED, actor)
        db.session.commit()


def withdraw_proposal(proposal: Proposal, actor: User, note: str | None = None) -> None:
    """Withdraw a proposal for good, with the author's optional reason."""
    change_status(proposal, ProposalStatus.WITHDRAWN, actor, (note or "").strip() or None)
    db.session.commit()


def change_status(proposal: Proposal, new_status: ProposalStatus, actor: User | None,
                  note: str | None = None) -> ProposalStatusChange:
    """Move a proposal to a status, record it in the history and tell who follows it.

    The one way any feature (moderation, results) changes a proposal's status. The note is
    the public reason (shown on the proposal's page). It does not commit: the caller commits
    once with its own changes. A row is recorded even when the status stays (the first save
    of a draft); a change by anyone but the proposal's authors (a moderator, city staff, the
    platform itself) is also written to the audit log. Notifications go out only on a real
    change, through
    `app.notifications.services.notify_status_change(proposal, old, new, actor)` when that
    function exists — it is looked up at call time, so this works before it is written.
    """
    old_status = proposal.status
    if proposal.id is None:
        db.session.add(proposal)
        db.session.flush()
    proposal.status = new_status
    proposal.status_reason = note
    proposal.updated_at = utcnow()
    change = ProposalStatusChange(proposal_id=proposal.id, status=new_status,
                                  changed_at=utcnow(),
                                  changed_by_id=actor.id if actor is not None else None,
                                  note=note)
    db.session.add(change)
    if old_status is not new_status:
        _notify_status_change(proposal, old_status, new_status, actor)
    if not _by_an_author(proposal, actor):
        record(actor, "proposal.status", "proposal", proposal.id, reason=note or "",
               details={"from": old_status.value if old_status else None,
                        "to": new_status.value})
    return change


def _by_an_author(proposal: Proposal, actor: User | None) -> bool:
    """Whether the author or a co-author acts (their own steps are not moderation)."""
    if actor is None:
        return False
    if is_author(actor, proposal):
        return True
    coauthor_ids = set(db.session.scalars(select(ProposalCoauthor.user_id)
                                          .where(ProposalCoauthor.proposal_id == proposal.id)))
    return is_editor(actor, proposal, coauthor_ids)


def _notify_status_change(proposal: Proposal, old_status: ProposalStatus | None,
                          new_status: ProposalStatus, actor: User | None) -> None:
    try:
        from app.notifications import services as notifications
    except ImportError:
        return
    notify = getattr(notifications, "notify_status_change", None)
    if notify is not None:
        notify(proposal, old_status, new_status, actor)


# --- listing and search -----------------------------------------------------------------------

@dataclass
class ListingFilters:
    """The allow-listed filters of the public listing (unknown values are dropped)."""

    consultation_id: int | None = None
    sector: Sector | None = None
    district: str | None = None  # a district id as text, or WHOLE_CITY
    goal_id: int | None = None
    status: ProposalStatus | None = None
    q: str = ""
    sort: str = "newest"

    def query_args(self) -> dict[str, str]:
        """The active filters as URL arguments (for pagination links)."""
        args = {
            "consultation": str(self.consultation_id) if self.consultation_id else "",
            "sector": self.sector.value if self.sector else "",
            "district": self.district or "",
            "goal": str(self.goal_id) if self.goal_id else "",
            "status": self.status.value if self.status else "",
            "q": self.q,
            "sort": self.sort if self.sort != "newest" else "",
        }
        return {key: value for key, value in args.items() if value}


def _positive_int(value: str | None) -> int | None:
    value = (value or "").strip()
    if value.isdigit() and 0 < len(value) <= 9:
        return int(value)
    return None


def parse_filters(args: Mapping[str, str]) -> ListingFilters:
    """Read the listing's filters from the query string, ignoring what is not allowed."""
    sector = args.get("sector", "")
    status = args.get("status", "")
    district = args.get("district", "")
    sort = args.get("sort", "")
    return ListingFilters(
        consultation_id=_positive_int(args.get("consultation")),
        sector=Sector(sector) if sector in Sector._value2member_map_ else None,
        district=(district if district == WHOLE_CITY or _positive_int(district) else None),
        goal_id=_positive_int(args.get("goal")),
        status=(ProposalStatus(status) if status in {s.value for s in LISTED_STATUSES}
                else None),
        q=(args.get("q") or "").strip()[:200],
        sort=sort if sort in SORTS else "newest",
    )


def search_words(text: str) -> list[str]:
    """The words of a search, folded ("Zieleń" -> "zielen"), letters and digits only."""
    return re.findall(r"[a-z0-9]+", fold(text))[:MAX_SEARCH_WORDS]


def search_clause(words: list[str]):
    """Every word as a prefix: full-text search on PostgreSQL, LIKE elsewhere."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Same expression as the GIN index ix_proposals_search, so the index is used.
        tsquery = " & ".join(f"{word}:*" for word in words)
        return func.to_tsvector(SEARCH_CONFIG, Proposal.search_text).bool_op("@@")(
            func.to_tsquery(SEARCH_CONFIG, tsquery))
    return and_(*(Proposal.search_text.contains(word) for word in words))


def _xor(left, right):
    """Bitwise exclusive or from | and &, which SQLite and PostgreSQL both have."""
    left, right = left.self_group(), right.self_group()
    return (left.op("|")(right)).self_group() - (left.op("&")(right)).self_group()


def _shifted(value, bits: int):
    """value >> bits (PostgreSQL wants an integer shift count)."""
    return value.self_group().op(">>")(literal(bits, Integer)).self_group()


def random_order(seed: int):
    """An order that is the same for one seed on every page and differs between seeds.

    The id is mixed with the seed and then hashed with two multiply-and-xorshift rounds, so
    that neighbouring ids land far apart whatever the seed (a single multiplication would keep
    small ids in or against their natural order for some seeds).
    """
    modulus = literal(RANDOM_MODULUS, BigInteger)
    mixed = _xor(cast(Proposal.id, BigInteger), literal(seed, BigInteger))
    first = mixed * literal(RANDOM_MULTIPLIER, BigInteger) % modulus
    first = _xor(first, _shifted(first, 15))
    second = first * literal(RANDOM_SECOND_MULTIPLIER, BigInteger) % modulus
    return _xor(second, _shifted(second, 13))


def _ordered(query: Select, sort: str, seed: int) -> Select:
    if sort == "supported":
        return query.order_by(Proposal.support_count.desc(), Proposal.id.desc())
    if sort == "discussed":
        return query.order_by(Proposal.comment_count.desc(), Proposal.id.desc())
    if sort == "random":
        return query.order_by(random_order(seed), Proposal.id)
    return query.order_by(Proposal.created_at.desc(), Proposal.id.desc())


def listing_conditions(filters: ListingFilters) -> list:
    """The WHERE conditions of the public listing for these filters."""
    # Proposals hidden by moderators (or pending review after reports) leave the listing.
    conditions = [Proposal.hidden_state.is_(None)]
    if filters.status is not None:
        conditions.append(Proposal.status == filters.status)
    else:
        conditions.append(Proposal.status.in_(DEFAULT_STATUSES))
    if filters.consultation_id:
        conditions.append(Proposal.consultation_id == filters.consultation_id)
    if filters.sector is not None:
        conditions.append(Proposal.sector == filters.sector)
    if filters.district == WHOLE_CITY:
        conditions.append(Proposal.district_id.is_(None))
    elif filters.district:
        conditions.append(Proposal.district_id == int(filters.district))
    if filters.goal_id:
        serving = (select(ProposalGoal.proposal_id)
                   .join(StrategyGoal, StrategyGoal.id == ProposalGoal.goal_id)
                   .where(or_(StrategyGoal.id == filters.goal_id,
                              StrategyGoal.parent_id == filters.goal_id)))
        conditions.append(Proposal.id.in_(serving))
    words = search_words(filters.q)
    if words:
        conditions.append(search_clause(words))
    return conditions


def listing_query(filters: ListingFilters, seed: int = 0) -> Select:
    """The public listing's query for these filters and this visitor's random seed."""
    query = (select(Proposal).options(joinedload(Proposal.district))
             .where(*listing_conditions(filters)))
    return _ordered(query, filters.sort, seed)


def proposals_page(filters: ListingFilters, page: int, seed: int = 0):
    """One page of the public listing. The total is counted on the conditions alone (no join,
    no columns), which an index answers without reading the proposals' texts."""
    pagination = db.paginate(listing_query(filters, seed), page=page, per_page=PER_PAGE,
                             error_out=False, count=False)
    pagination.total = db.session.scalar(
        select(func.count(Proposal.id)).where(*listing_conditions(filters)))
    return pagination


def my_proposals_page(user: User, page: int):
    """A page of the proposals a user wrote or co-authors, drafts included, newest first."""
    coauthored = select(ProposalCoauthor.proposal_id).where(ProposalCoauthor.user_id == user.id)
    query = (select(Proposal)
             .options(joinedload(Proposal.consultation), joinedload(Proposal.district))
             .where(or_(Proposal.author_id == user.id, Proposal.id.in_(coauthored)))
             .order_by(Proposal.updated_at.desc(), Proposal.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
