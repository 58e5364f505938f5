"""Voting: settings, eligibility, casting online and on paper, closing and the draft result.

One person, one vote: casting writes a `VoterRoll` row and a `Ballot` row in one transaction.
The roll is unique per (consultation, account) and per (consultation, census entry); when
simultaneous requests of one person race, the database lets one commit and refuses the
others, which get `AlreadyVoted`. Nothing else (no lock, no earlier check) is relied on: the
check `has_voted` before casting only spares a doomed attempt.

Rules frozen: the settings, the questions, the pools and the eligibility rules cannot change
once the voting phase has started (`frozen_reason`); the options on the ballot are copied
from the proposals accepted for the vote when voting first needs them (`ballot_options`), so
later changes to those proposals do not reach the ballot or the tally.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flask_babel import format_currency, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.accounts.census import is_valid_pesel, pesel_hash
from app.accounts.models import CensusEntry
from app.consultations.models import Consultation, District, Phase
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalStatus
from app.votes import tally as engine
from app.votes.models import (
    BUDGET_RULES,
    Ballot,
    Channel,
    DistrictPool,
    EligibleDistrict,
    VoterRoll,
    VotingMethod,
    VotingOption,
    VotingQuestion,
    VotingResult,
    VotingSettings,
)
from app.votes.tally.counts import Answer
from app.votes.tally.election import format_number

if TYPE_CHECKING:
    from app.accounts.models import User

#: Phases in which the rules may no longer change.
FROZEN_PHASES = frozenset({Phase.VOTING, Phase.RESULTS})
RECEIPT_BYTES = 20  # 160 bits, written as 32 base-32 characters in groups of four
ANSWERS = tuple(answer.value for answer in Answer)


class VotingError(Exception):
    """A voting action that cannot be done; str() is the reason, in the visitor's language."""


class SettingsFrozen(VotingError):
    """The rules of the vote can no longer change."""


class VotingNotOpen(VotingError):
    """Voting has not started, or has ended."""


class NotEligible(VotingError):
    """This person may not vote in this consultation."""


class AlreadyVoted(VotingError):
    """This person's vote is already on the roll."""


class BallotInvalid(VotingError):
    """The choices break the ballot's rules; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


# -- Settings ------------------------------------------------------------------------------


@dataclass
class SettingsValues:
    """Everything staff set for a vote (see `VotingSettings`)."""

    method: VotingMethod
    approval_max: int | None = None
    city_budget: Decimal | None = None
    min_picks: int = 1
    max_picks: int | None = None
    tally_rule: str = "greedy"
    verification_required: bool = True
    minimum_age: int | None = None
    districts: list[int] = field(default_factory=list)
    pools: dict[int, Decimal] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)


def get_settings(consultation: Consultation) -> VotingSettings | None:
    """The consultation's voting settings, or None when it has no vote."""
    return db.session.get(VotingSettings, consultation.id)


def frozen_reason(consultation: Consultation,
                  settings: VotingSettings | None = None) -> str | None:
    """Why the rules of this vote can no longer change, or None while they can."""
    settings = settings if settings is not None else get_settings(consultation)
    if consultation.phase_today() in FROZEN_PHASES or (
            settings is not None and settings.options_frozen_at is not None):
        return _("Voting has started, so its rules, options, budgets and eligibility can no "
                 "longer change.")
    return None


def settings_values(settings: VotingSettings | None) -> SettingsValues | None:
    """The stored settings as values (to fill the form)."""
    if settings is None:
        return None
    cid = settings.consultation_id
    return SettingsValues(
        method=settings.method, approval_max=settings.approval_max,
        city_budget=settings.city_budget, min_picks=settings.min_picks,
        max_picks=settings.max_picks, tally_rule=settings.tally_rule,
        verification_required=settings.verification_required,
        minimum_age=settings.minimum_age, districts=eligible_district_ids(cid),
        pools={pool.district_id: pool.amount for pool in district_pools(cid)},
        questions=[q.text for q in questions_of(cid)])


def save_settings(consultation: Consultation, actor: User,
                  values: SettingsValues) -> VotingSettings:
    """Create or change the voting settings; refused (`SettingsFrozen`) once voting opens."""
    settings = get_settings(consultation)
    reason = frozen_reason(consultation, settings)
    if reason:
        raise SettingsFrozen(reason)
    if values.tally_rule not in BUDGET_RULES:
        raise VotingError(_("Choose one of the tally rules offered."))
    created = settings is None
    if settings is None:
        settings = VotingSettings(consultation_id=consultation.id)
        db.session.add(settings)
    settings.method = values.method
    settings.approval_max = values.approval_max
    settings.city_budget = values.city_budget
    settings.min_picks = values.min_picks
    settings.max_picks = values.max_picks
    settings.tally_rule = values.tally_rule
    settings.verification_required = values.verification_required
    settings.minimum_age = values.minimum_age
    settings.updated_at = utcnow()
    db.session.flush()
    cid = consultation.id
    for model in (EligibleDistrict, DistrictPool, VotingQuestion):
        db.session.execute(delete(model).where(model.consultation_id == cid))
    db.session.add_all(EligibleDistrict(consultation_id=cid, district_id=district_id)
                       for district_id in sorted(set(values.districts)))
    db.session.add_all(DistrictPool(consultation_id=cid, district_id=district_id, amount=amount)
                       for district_id, amount in sorted(values.pools.items()))
    db.session.add_all(VotingQuestion(consultation_id=cid, position=number, text=text)
                       for number, text in enumerate(values.questions, start=1))
    record(actor, "vote.settings", "consultation", cid, details={
        "created": created, "method": values.method.value,
        "approval_max": values.approval_max,
        "city_budget": _money(values.city_budget), "min_picks": values.min_picks,
        "max_picks": values.max_picks, "tally_rule": values.tally_rule,
        "verification_required": values.verification_required,
        "minimum_age": values.minimum_age, "districts": sorted(set(values.districts)),
        "pools": {str(d): _money(a) for d, a in sorted(values.pools.items())},
        "questions": len(values.questions)})
    db.session.commit()
    return settings


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def eligible_district_ids(consultation_id: int) -> list[int]:
    return list(db.session.scalars(
        select(EligibleDistrict.district_id)
        .where(EligibleDistrict.consultation_id == consultation_id)
        .order_by(EligibleDistrict.district_id)))


def district_pools(consultation_id: int) -> list[DistrictPool]:
    return list(db.session.scalars(
        select(DistrictPool).where(DistrictPool.consultation_id == consultation_id)
        .order_by(DistrictPool.district_id)))


def questions_of(consultation_id: int) -> list[VotingQuestion]:
    return list(db.session.scalars(
        select(VotingQuestion).where(VotingQuestion.consultation_id == consultation_id)
        .order_by(VotingQuestion.position)))


def all_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


def district_names() -> dict[int, str]:
    return dict(db.session.execute(select(District.id, District.name)).all())


# -- Who may vote, and when ----------------------------------------------------------------


def not_open_reason(consultation: Consultation, settings: VotingSettings | None) -> str | None:
    """Why nobody can vote in this consultation today, or None while voting is open."""
    if settings is None:
        return _("There is no vote in this consultation.")
    phase = consultation.phase_today()
    if phase in (Phase.UPCOMING, Phase.PROPOSALS, Phase.REVIEW, Phase.DELIBERATION):
        return _("Voting opens on %(date)s.", date=_format_date(consultation.voting_from))
    if settings.is_closed or phase is Phase.RESULTS:
        return _("Voting has closed.")
    return None


def _format_date(day) -> str:
    return format_date(day, "long")


def census_refusal(settings: VotingSettings, entry: CensusEntry | None) -> str | None:
    """Why the person on this census entry (None: not verified) may not vote, or None."""
    if entry is None:
        if settings.verification_required:
            return _("This vote is for verified residents of the city. Verify your residence "
                     "on your account page first.")
        if settings.minimum_age is not None or eligible_district_ids(settings.consultation_id):
            return _("This vote has an age or district limit, which can be checked only for "
                     "verified residents. Verify your residence on your account page first.")
        return None
    if settings.minimum_age is not None and entry.age_on(clock.today()) < settings.minimum_age:
        return _("Residents vote here from the age of %(age)s (reached this year).",
                 age=settings.minimum_age)
    allowed = eligible_district_ids(settings.consultation_id)
    if allowed and entry.district_id not in allowed:
        return _("Residents of your district do not vote in this consultation.")
    return None


def eligibility_refusal(settings: VotingSettings, user: User) -> str | None:
    """Why this account may not vote under these settings, or None when it may."""
    if not (user.is_authenticated and user.is_active and user.is_confirmed):
        return _("Confirm your email address first.")
    return census_refusal(settings, user.census_entry)


def has_voted(consultation: Consultation, user: User) -> bool:
    """Whether this account (or its census entry, on paper) is on the roll."""
    if not user.is_authenticated:
        return False
    conditions = [VoterRoll.user_id == user.id]
    if user.census_entry is not None:
        conditions.append(VoterRoll.census_entry_id == user.census_entry.id)
    return db.session.scalar(select(select(VoterRoll.id).where(
        VoterRoll.consultation_id == consultation.id, db.or_(*conditions)).exists())) or False


# -- The ballot ----------------------------------------------------------------------------


def ballot_options(consultation: Consultation, settings: VotingSettings) -> list[VotingOption]:
    """The proposals on the ballot, cheapest-first within city-wide, then by district.

    Before voting they are read from the proposals accepted for the vote (a preview); from
    the first use in the voting phase on, they are the frozen copy.
    """
    if settings.options_frozen_at is None and consultation.phase_today() in FROZEN_PHASES:
        _freeze_options(consultation)
    if settings.options_frozen_at is not None:
        options = list(db.session.scalars(
            select(VotingOption).where(VotingOption.consultation_id == consultation.id)))
    else:
        options = [VotingOption(consultation_id=consultation.id, proposal_id=p.id,
                                title=p.title, cost=p.estimated_cost, district_id=p.district_id)
                   for p in _accepted_proposals(consultation.id)]
    return sorted(options, key=lambda o: (o.district_id is not None, o.district_id or 0,
                                          o.title, o.proposal_id))


def _accepted_proposals(consultation_id: int) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.consultation_id == consultation_id,
        Proposal.status == ProposalStatus.ACCEPTED)))


def _freeze_options(consultation: Consultation) -> None:
    """Copy the accepted proposals to the ballot once (the settings row is locked meanwhile)."""
    settings = db.session.scalar(
        select(VotingSettings).where(VotingSettings.consultation_id == consultation.id)
        .with_for_update().execution_options(populate_existing=True))
    if settings is None or settings.options_frozen_at is not None:
        db.session.commit()
        return
    db.session.add_all(VotingOption(consultation_id=consultation.id, proposal_id=p.id,
                                    title=p.title, cost=p.estimated_cost,
                                    district_id=p.district_id)
                       for p in _accepted_proposals(consultation.id))
    settings.options_frozen_at = utcnow()
    db.session.commit()


@dataclass
class Pool:
    """One budget on a ballot: the city-wide pool (district None) or a district's."""

    district_id: int | None
    name: str
    amount: Decimal | None  # None: no limit (approval ballots)
    options: list[VotingOption]


@dataclass
class BallotLayout:
    """What one voter sees: the method, the pools with their options, or the questions."""

    method: VotingMethod
    pools: list[Pool]
    questions: list[VotingQuestion]
    district_id: int | None
    min_picks: int
    max_picks: int | None

    @property
    def options(self) -> dict[int, VotingOption]:
        return {o.proposal_id: o for pool in self.pools for o in pool.options}

    def pool_of(self, option: VotingOption) -> Pool:
        return next(p for p in self.pools if option in p.options)


def ballot_layout(consultation: Consultation, settings: VotingSettings,
                  district_id: int | None) -> BallotLayout:
    """The ballot of a voter living in `district_id` (None: unknown, city-wide pool only)."""
    questions: list[VotingQuestion] = []
    pools: list[Pool] = []
    options = (ballot_options(consultation, settings)
               if settings.method is not VotingMethod.YES_NO else [])
    if settings.method is VotingMethod.YES_NO:
        questions = questions_of(consultation.id)
        low, high = 0, None
    elif settings.method is VotingMethod.APPROVAL:
        pools.append(Pool(None, _("Proposals"), None, options))
        low, high = 1, settings.approval_max
    else:
        low, high = settings.min_picks, settings.max_picks
        if settings.city_budget is not None:
            pools.append(Pool(None, _("City-wide projects"), settings.city_budget,
                              [o for o in options if o.district_id is None]))
        amounts = {p.district_id: p.amount for p in district_pools(consultation.id)}
        if district_id is not None and district_id in amounts:
            name = district_names().get(district_id, "")
            pools.append(Pool(district_id, _("Projects in your district: %(name)s", name=name),
                              amounts[district_id],
                              [o for o in options if o.district_id == district_id]))
    return BallotLayout(settings.method, pools, questions, district_id, low, high)


@dataclass
class Choices:
    """What a voter marked: proposal ids (approval, budget) or answers by question id."""

    proposals: list[int] = field(default_factory=list)
    answers: dict[int, str] = field(default_factory=dict)

    def as_json(self, method: VotingMethod) -> dict[str, Any]:
        if method is VotingMethod.YES_NO:
            return {"answers": {str(q): a for q, a in sorted(self.answers.items())}}
        return {"proposals": sorted(self.proposals)}


def parse_choices(form: Mapping[str, Any]) -> Choices:
    """Read `proposal` (repeated) and `answer-<question id>` fields; junk is ignored here and
    caught by `check_choices`."""
    getlist = getattr(form, "getlist", None)
    raw = getlist("proposal") if getlist else form.get("proposal", [])
    proposals: list[int] = []
    for value in raw if isinstance(raw, list) else [raw]:
        try:
            proposals.append(int(value))
        except (TypeError, ValueError):
            proposals.append(-1)  # reported as "not on your ballot"
    answers: dict[int, str] = {}
    for key in form:
        if key.startswith("answer-") and key[7:].isdigit():
            answers[int(key[7:])] = str(form.get(key))
    return Choices(proposals, answers)


@dataclass
class PoolTotal:
    pool: Pool
    chosen: list[VotingOption]
    spent: Decimal

    @property
    def left(self) -> Decimal | None:
        return None if self.pool.amount is None else self.pool.amount - self.spent

    @property
    def over(self) -> bool:
        return self.pool.amount is not None and self.spent > self.pool.amount


def pool_totals(layout: BallotLayout, choices: Choices) -> list[PoolTotal]:
    """For each pool: the chosen options on it and what they cost together."""
    chosen = set(choices.proposals)
    totals = []
    for pool in layout.pools:
        picked = [o for o in pool.options if o.proposal_id in chosen]
        totals.append(PoolTotal(pool, picked, sum((o.cost for o in picked), Decimal(0))))
    return totals


def check_choices(layout: BallotLayout, choices: Choices) -> list[str]:
    """Every way the choices break the ballot's rules (empty when the ballot is valid).

    Approval: up to k proposals, at least one. Budget: each pool's chosen projects cost at
    most its amount, and the number of projects on the whole ballot is within min/max picks.
    Yes/no: every question answered yes, no or abstain.
    """
    problems: list[str] = []
    if layout.method is VotingMethod.YES_NO:
        known = {q.id for q in layout.questions}
        if set(choices.answers) - known:
            problems.append(_("The ballot answers a question that is not on it."))
        for question in layout.questions:
            if choices.answers.get(question.id) not in ANSWERS:
                problems.append(_("Answer question %(number)s: yes, no or abstain.",
                                  number=question.position))
        return problems
    offered = layout.options
    if len(set(choices.proposals)) != len(choices.proposals):
        problems.append(_("A proposal is chosen twice."))
    if any(pid not in offered for pid in choices.proposals):
        problems.append(_("A chosen proposal is not on your ballot."))
    count = len(set(choices.proposals) & set(offered))
    if count < layout.min_picks:
        problems.append(ngettext("Choose at least %(num)d proposal.",
                                 "Choose at least %(num)d proposals.", layout.min_picks))
    if layout.max_picks is not None and count > layout.max_picks:
        problems.append(ngettext("Choose at most %(num)d proposal; you chose %(chosen)s.",
                                 "Choose at most %(num)d proposals; you chose %(chosen)s.",
                                 layout.max_picks, chosen=count))
    for total in pool_totals(layout, choices):
        if total.over:
            problems.append(_("%(pool)s: the chosen projects cost %(spent)s, more than the "
                              "budget of %(budget)s.", pool=total.pool.name,
                              spent=_format_money(total.spent),
                              budget=_format_money(total.pool.amount)))
    return problems


def _format_money(amount: Decimal | None) -> str:
    return format_currency(amount or 0, "PLN")


def voter_district(user: User) -> int | None:
    entry = user.census_entry if user.is_authenticated else None
    return entry.district_id if entry is not None else None


# -- Casting -------------------------------------------------------------------------------


def new_receipt() -> str:
    """A receipt code: 160 random bits in base 32, grouped by four (XXXX-XXXX-...)."""
    text = base64.b32encode(secrets.token_bytes(RECEIPT_BYTES)).decode()
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def receipt_hash(code: str) -> str:
    """What the database keeps of a receipt: SHA-256 of the code without dashes or spaces."""
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def this_hour() -> datetime:
    """The current time rounded down to the hour: the only time a ballot carries."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def _require_open(consultation: Consultation) -> VotingSettings:
    settings = get_settings(consultation)
    reason = not_open_reason(consultation, settings)
    if reason:
        raise VotingNotOpen(reason)
    return settings  # type: ignore[return-value]


def cast_ballot(consultation: Consultation, user: User, choices: Choices) -> str:
    """Cast this person's ballot online and return its receipt code (shown once, never kept).

    Eligibility, then the roll row and the ballot in one transaction; a second vote of the
    same person (however simultaneous) raises `AlreadyVoted`.
    """
    settings = _require_open(consultation)
    refusal = eligibility_refusal(settings, user)
    if refusal:
        raise NotEligible(refusal)
    if has_voted(consultation, user):
        raise AlreadyVoted(_("You have already voted in this consultation."))
    entry = user.census_entry
    district_id = entry.district_id if entry is not None else None
    layout = ballot_layout(consultation, settings, district_id)
    problems = check_choices(layout, choices)
    if problems:
        raise BallotInvalid(problems)
    code = new_receipt()
    hour = this_hour()
    db.session.add(VoterRoll(consultation_id=consultation.id, user_id=user.id,
                             census_entry_id=entry.id if entry is not None else None,
                             district_id=district_id, channel=Channel.ONLINE,
                             recorded_hour=hour))
    db.session.add(Ballot(id=secrets.token_hex(16), consultation_id=consultation.id,
                          district_id=district_id, channel=Channel.ONLINE, cast_hour=hour,
                          receipt_hash=receipt_hash(code),
                          choices=choices.as_json(settings.method)))
    try:
        db.session.commit()
    except IntegrityError:
        # The roll's unique constraints: this person's vote is already recorded.
        db.session.rollback()
        raise AlreadyVoted(_("You have already voted in this consultation.")) from None
    return code


def paper_voter_on_roll(consultation: Consultation, entry: CensusEntry) -> bool:
    """Whether the person on this census entry has voted (on paper, or online by account)."""
    conditions = [VoterRoll.census_entry_id == entry.id]
    if entry.user_id is not None:
        conditions.append(VoterRoll.user_id == entry.user_id)
    return db.session.scalar(select(select(VoterRoll.id).where(
        VoterRoll.consultation_id == consultation.id, db.or_(*conditions)).exists())) or False


def find_census_entry(pesel: str) -> CensusEntry | None:
    """The census entry of a PESEL (typed by staff from an identity document)."""
    if not is_valid_pesel(pesel):
        return None
    return db.session.scalar(select(CensusEntry).where(CensusEntry.pesel_hash == pesel_hash(pesel)))


def record_paper_ballot(consultation: Consultation, staff: User, entry: CensusEntry,
                        choices: Choices) -> None:
    """Record a paper ballot of a person on the census; they can then not vote online (and a
    person who voted online cannot be recorded on paper)."""
    settings = _require_open(consultation)
    refusal = census_refusal(settings, entry)
    if refusal:
        raise NotEligible(refusal)
    layout = ballot_layout(consultation, settings, entry.district_id)
    problems = check_choices(layout, choices)
    if problems:
        raise BallotInvalid(problems)
    hour = this_hour()
    db.session.add(VoterRoll(consultation_id=consultation.id, user_id=entry.user_id,
                             census_entry_id=entry.id, district_id=entry.district_id,
                             channel=Channel.PAPER, recorded_hour=hour,
                             recorded_by_id=staff.id))
    db.session.add(Ballot(id=secrets.token_hex(16), consultation_id=consultation.id,
                          district_id=entry.district_id, channel=Channel.PAPER,
                          cast_hour=hour, choices=choices.as_json(settings.method)))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyVoted(_("This person has already voted in this consultation, online or "
                             "on paper.")) from None
    # Neither the person nor the census entry is named: the log is public.
    record(staff, "vote.paper", "consultation", consultation.id,
           details={"district_id": entry.district_id})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyVoted(_("This person has already voted in this consultation, online or "
                             "on paper.")) from None


# -- Counts and the roll check -------------------------------------------------------------


@dataclass
class RollRow:
    """Roll entries and ballots of one district and channel: always equal."""

    district_id: int | None
    district: str
    channel: Channel
    roll: int
    ballots: int

    @property
    def matches(self) -> bool:
        return self.roll == self.ballots


@dataclass
class RollCheck:
    rows: list[RollRow]

    @property
    def ok(self) -> bool:
        return all(row.matches for row in self.rows)

    def total(self, channel: Channel | None = None, what: str = "ballots") -> int:
        return sum(getattr(row, what) for row in self.rows
                   if channel is None or row.channel == channel)


def roll_check(consultation: Consultation) -> RollCheck:
    """The voter roll against the ballots, per district and channel (they must be equal)."""
    roll = Counter({(d, c): n for d, c, n in db.session.execute(
        select(VoterRoll.district_id, VoterRoll.channel, func.count())
        .where(VoterRoll.consultation_id == consultation.id)
        .group_by(VoterRoll.district_id, VoterRoll.channel))})
    ballots = Counter({(d, c): n for d, c, n in db.session.execute(
        select(Ballot.district_id, Ballot.channel, func.count())
        .where(Ballot.consultation_id == consultation.id)
        .group_by(Ballot.district_id, Ballot.channel))})
    names = district_names()
    keys = sorted(set(roll) | set(ballots),
                  key=lambda k: (k[0] is not None, names.get(k[0], ""), k[1].value))
    return RollCheck([RollRow(d, names.get(d, _("No district")) if d else _("No district"),
                              c, roll[(d, c)], ballots[(d, c)]) for d, c in keys])


# -- Closing and the draft result ----------------------------------------------------------


def close_refusal(consultation: Consultation, settings: VotingSettings | None) -> str | None:
    """Why staff cannot close this vote now, or None."""
    if settings is None:
        return _("There is no vote in this consultation.")
    if settings.is_closed:
        return _("Voting is already closed.")
    if consultation.phase_today() not in FROZEN_PHASES:
        return _("Voting has not started yet.")
    return None


def close_voting(consultation: Consultation, actor: User | None) -> VotingResult:
    """Close the vote (staff, or the platform at the end date), tally it, keep a draft result."""
    settings = get_settings(consultation)
    if settings is not None and consultation.phase_today() in FROZEN_PHASES:
        ballot_options(consultation, settings)  # a vote nobody opened still gets its options
    settings = db.session.scalar(
        select(VotingSettings).where(VotingSettings.consultation_id == consultation.id)
        .with_for_update().execution_options(populate_existing=True))
    reason = close_refusal(consultation, settings)
    if reason:
        db.session.rollback()
        raise VotingError(reason)
    settings.closed_at = utcnow()
    settings.closed_by_id = actor.id if actor is not None else None
    result = db.session.get(VotingResult, consultation.id) or VotingResult(
        consultation_id=consultation.id)
    _fill_result(result, consultation, settings)
    db.session.add(result)
    record(actor, "vote.close", "consultation", consultation.id, details={
        "automatic": actor is None, "ballots_online": result.ballots_online,
        "ballots_paper": result.ballots_paper, "rule": result.rule,
        "selected": result.selected})
    db.session.commit()
    return result


def close_due() -> list[int]:
    """Close every vote whose results date has come; the ids of the consultations closed."""
    today = clock.today()
    due = list(db.session.scalars(
        select(Consultation).join(VotingSettings,
                                  VotingSettings.consultation_id == Consultation.id)
        .where(VotingSettings.closed_at.is_(None), Consultation.results_from <= today)
        .order_by(Consultation.id)))
    closed = []
    for consultation in due:
        try:
            close_voting(consultation, None)
        except VotingError:
            continue  # closed by someone else meanwhile
        closed.append(consultation.id)
    return closed


def get_result(consultation: Consultation) -> VotingResult | None:
    return db.session.get(VotingResult, consultation.id)


def _ballot_choices(consultation_id: int) -> list[tuple[int | None, Channel, dict]]:
    return [tuple(row) for row in db.session.execute(
        select(Ballot.district_id, Ballot.channel, Ballot.choices)
        .where(Ballot.consultation_id == consultation_id).order_by(Ballot.id))]


def _fill_result(result: VotingResult, consultation: Consultation,
                 settings: VotingSettings) -> None:
    ballots = _ballot_choices(consultation.id)
    result.method = settings.method
    result.ballots_online = sum(1 for _d, c, _x in ballots if c is Channel.ONLINE)
    result.ballots_paper = sum(1 for _d, c, _x in ballots if c is Channel.PAPER)
    result.error = None
    result.total_cost = None
    result.selected = []
    result.created_at = utcnow()
    try:
        if settings.method is VotingMethod.YES_NO:
            result.rule = "majority"
            result.details = _count_questions(consultation, ballots)
        elif settings.method is VotingMethod.APPROVAL:
            result.rule = "approval"
            result.selected, result.details = _count_approval(consultation, settings, ballots)
        else:
            result.rule = settings.tally_rule
            result.selected, result.total_cost, result.details = _count_budget(
                consultation, settings, ballots)
    except engine.TallyError as error:
        result.details = {}
        result.error = str(error)


def _count_questions(consultation: Consultation, ballots) -> dict:
    questions = questions_of(consultation.id)
    counted = engine.count_questions([str(q.id) for q in questions],
                                     [choices.get("answers", {}) for _d, _c, choices in ballots])
    return {"questions": [
        {"id": q.id, "text": q.text, "yes": c.yes, "no": c.no, "abstain": c.abstain,
         "outcome": c.outcome} for q, c in zip(questions, counted.questions, strict=True)]}


def _count_approval(consultation: Consultation, settings: VotingSettings,
                    ballots) -> tuple[list[int], dict]:
    options = ballot_options(consultation, settings)
    ids = [str(o.proposal_id) for o in options]
    counted = engine.approval_winners(
        ids, [[str(p) for p in choices.get("proposals", [])] for _d, _c, choices in ballots],
        k=settings.approval_max or len(ids))
    return ([int(pid) for pid in counted.winners],
            {"ranking": [{"proposal_id": int(pid), "votes": votes}
                         for pid, votes in counted.ranking],
             "tie_at_cut": counted.tie_at_cut})


def budget_elections(consultation: Consultation, settings: VotingSettings,
                     ballots: Iterable[tuple[int | None, Channel, dict]]
                     ) -> list[tuple[int | None, engine.Election]]:
    """One tally-engine election per pool: the city-wide pool and each district's.

    A ballot counts in a pool when it chose at least one of the pool's projects (as in the
    Pabulib files of Polish cities); district pools hold only their district's ballots,
    because only that district's voters see them.
    """
    options = ballot_options(consultation, settings)
    pools: list[tuple[int | None, Decimal]] = []
    if settings.city_budget is not None:
        pools.append((None, settings.city_budget))
    pools += [(p.district_id, p.amount) for p in district_pools(consultation.id)]
    ballots = list(ballots)
    elections = []
    for district_id, amount in pools:
        in_pool = {o.proposal_id: o for o in options if o.district_id == district_id}
        votes = []
        for number, (_d, _c, choices) in enumerate(ballots, start=1):
            picked = tuple(str(p) for p in choices.get("proposals", []) if p in in_pool)
            if picked:
                votes.append(engine.Vote(str(number), picked))
        meta = {"budget": f"{amount:.2f}", "vote_type": "approval",
                "rule": settings.tally_rule, "num_projects": str(len(in_pool)),
                "num_votes": str(len(votes))}
        projects = {str(pid): engine.Project(str(pid), Fraction(str(o.cost)),
                                             {"name": o.title})
                    for pid, o in sorted(in_pool.items())}
        elections.append((district_id, engine.Election(meta, projects, votes,
                                                       project_columns=("name",))))
    return elections


def _count_budget(consultation: Consultation, settings: VotingSettings,
                  ballots) -> tuple[list[int], Decimal, dict]:
    selected: list[int] = []
    total = Fraction(0)
    pools = []
    for district_id, election in budget_elections(consultation, settings, ballots):
        if election.votes:
            outcome = engine.tally(election, settings.tally_rule)
            chosen, cost = list(outcome.selected), outcome.total_cost
            share = outcome.details.get("per_voter_budget")  # Equal Shares only
        else:
            chosen, cost = [], Fraction(0)  # nobody voted in this pool: nothing is funded
            share = None
        votes = engine.vote_counts(election)
        selected += [int(pid) for pid in chosen]
        total += cost
        pools.append({"district_id": district_id, "budget": election.meta["budget"],
                      **({"per_voter_budget": str(share)} if share else {}),
                      "ballots": len(election.votes),
                      "selected": [int(pid) for pid in chosen],
                      "total_cost": _fraction_text(cost),
                      "votes": {pid: votes[pid] for pid in election.projects}})
    return selected, Decimal(_fraction_text(total)), {"pools": pools}


def _fraction_text(value: Fraction) -> str:
    return format_number(value)


def ballot_costs(consultation: Consultation) -> list[dict[int | None, Decimal]]:
    """What every stored ballot spends in each pool (for checks: never above its budget)."""
    options = {o.proposal_id: o for o in db.session.scalars(
        select(VotingOption).where(VotingOption.consultation_id == consultation.id))}
    spent = []
    for _d, _c, choices in _ballot_choices(consultation.id):
        per_pool: dict[int | None, Decimal] = defaultdict(Decimal)
        for pid in choices.get("proposals", []):
            per_pool[options[pid].district_id] += options[pid].cost
        spent.append(dict(per_pool))
    return spent


def result_rows(result: VotingResult) -> Sequence[dict]:
    """The proposals of a budget or approval result with their titles (for the staff page)."""
    titles = dict(db.session.execute(
        select(VotingOption.proposal_id, VotingOption.title)
        .where(VotingOption.consultation_id == result.consultation_id)).all())
    return [{"proposal_id": pid, "title": titles.get(pid, "")} for pid in result.selected]
