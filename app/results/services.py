"""Publishing a vote's result (two staff members), corrections, the files and the receipts.

Every function that changes something commits once, with its audit entries; the checks that
matter when two requests race (one approval per publication, numbers in order) are made on a
row locked with SELECT ... FOR UPDATE (a no-op on SQLite, where writes are serialised anyway).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.accounts.models import CensusEntry, User
from app.admin.services import get_setting
from app.consultations.models import Consultation
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalStatus
from app.proposals.services import change_status
from app.results.models import SECOND_APPROVAL_SETTING, Answer, Publication, PublishedFile
from app.votes import services as votes
from app.votes import tally as engine
from app.votes.models import Ballot, VoterRoll, VotingMethod, VotingOption, VotingResult
from app.votes.tally.explain import explain

REASON_MAX = 1000
#: The status a proposal gets for each answer (through the proposals' status service).
STATUS_FOR = {
    Answer.FUNDED: ProposalStatus.SELECTED,
    Answer.NOT_FUNDED: ProposalStatus.REJECTED,
    Answer.REJECTED: ProposalStatus.REJECTED,
    Answer.OTHERWISE: ProposalStatus.ACCEPTED,
}
#: Statuses a funded proposal may already have moved on to (implementation): left alone.
FUNDED_LATER = {ProposalStatus.SELECTED, ProposalStatus.IN_IMPLEMENTATION, ProposalStatus.DONE}


class PublishError(Exception):
    """A publication step that cannot be done; the message is for the person who tried."""


def second_approval_required() -> bool:
    return bool(get_setting(SECOND_APPROVAL_SETTING, True))


# -- Reading -----------------------------------------------------------------------------------


def current(consultation_id: int) -> Publication | None:
    """The publication in force: the published one with the highest number."""
    return db.session.scalar(
        select(Publication).where(Publication.consultation_id == consultation_id,
                                  Publication.published_at.is_not(None))
        .order_by(Publication.number.desc()).limit(1))


def published_votes(proposal_ids: Sequence[int]) -> dict[int, int]:
    """Votes per proposal from the publications in force (drafts never), in two queries."""
    consultation_ids = set(db.session.scalars(
        select(Proposal.consultation_id).where(Proposal.id.in_(list(proposal_ids)))))
    if not consultation_ids:
        return {}
    in_force: dict[int, Publication] = {}
    for publication in db.session.scalars(
            select(Publication).where(Publication.consultation_id.in_(consultation_ids),
                                      Publication.published_at.is_not(None))
            .order_by(Publication.number)):
        in_force[publication.consultation_id] = publication  # the highest number wins
    wanted = set(proposal_ids)
    votes_of: dict[int, int] = {}
    for publication in in_force.values():
        for pool in publication.snapshot.get("details", {}).get("pools", []):
            for pid, count in pool.get("votes", {}).items():
                if int(pid) in wanted:
                    votes_of[int(pid)] = int(count)
    return votes_of


def pending(consultation_id: int) -> Publication | None:
    """The publication waiting for a second approval, if any."""
    return db.session.scalar(
        select(Publication).where(Publication.consultation_id == consultation_id,
                                  Publication.published_at.is_(None))
        .order_by(Publication.id.desc()).limit(1))


def history(consultation_id: int) -> list[Publication]:
    """Every publication of a consultation, newest first."""
    return list(db.session.scalars(
        select(Publication).where(Publication.consultation_id == consultation_id,
                                  Publication.published_at.is_not(None))
        .order_by(Publication.number.desc())))


def files_of(publication: Publication) -> list[PublishedFile]:
    return list(db.session.scalars(
        select(PublishedFile).where(PublishedFile.publication_id == publication.id)
        .order_by(PublishedFile.id)))


def file_named(publication: Publication, name: str) -> PublishedFile | None:
    return db.session.scalar(select(PublishedFile).where(
        PublishedFile.publication_id == publication.id, PublishedFile.name == name))


def pool_file(publication: Publication, pool: str) -> PublishedFile | None:
    """The .pb file of a pool: "city" or a district id."""
    return db.session.scalar(select(PublishedFile).where(
        PublishedFile.publication_id == publication.id, PublishedFile.pool == pool,
        PublishedFile.name.like("%.pb")))


def ballot_options(consultation_id: int) -> list[VotingOption]:
    return list(db.session.scalars(
        select(VotingOption).where(VotingOption.consultation_id == consultation_id)
        .order_by(VotingOption.district_id.is_not(None), VotingOption.district_id,
                  VotingOption.proposal_id)))


# -- The answers -------------------------------------------------------------------------------


def default_answers(result: VotingResult, options: Sequence[VotingOption],
                    previous: Publication | None = None) -> dict[str, dict[str, str]]:
    """What the form starts with: the last published answers, or funded when selected."""
    if previous is not None:
        return {key: dict(value) for key, value in previous.answers.items()}
    return {str(o.proposal_id): {"answer": (Answer.FUNDED if o.proposal_id in result.selected
                                            else Answer.NOT_FUNDED).value, "reason": ""}
            for o in options}


def parse_answers(form: Mapping[str, Any], options: Sequence[VotingOption]
                  ) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The answers posted (`answer-<id>`, `reason-<id>`) and what is wrong with them."""
    answers: dict[str, dict[str, str]] = {}
    problems = []
    for option in options:
        key = str(option.proposal_id)
        raw = (form.get(f"answer-{key}") or "").strip()
        reason = (form.get(f"reason-{key}") or "").strip()[:REASON_MAX]
        try:
            answer = Answer(raw)
        except ValueError:
            problems.append(_("Choose an answer for “%(title)s”.", title=option.title))
            continue
        if answer in (Answer.REJECTED, Answer.OTHERWISE) and not reason:
            problems.append(_("Give the reason for the answer to “%(title)s”.",
                              title=option.title))
        answers[key] = {"answer": answer.value, "reason": reason}
    return answers, problems


def publish_refusal(consultation: Consultation) -> str | None:
    """Why staff cannot propose a publication now, or None."""
    settings = votes.get_settings(consultation)
    if settings is None:
        return _("There is no vote in this consultation.")
    if not settings.is_closed:
        return _("Voting is not closed yet.")
    result = votes.get_result(consultation)
    if result is None:
        return _("There is no result to publish.")
    if result.error:
        return _("The tally could not be completed, so there is nothing to publish.")
    return None


# -- Eligible voters and turnout ---------------------------------------------------------------


def eligible_count(consultation: Consultation) -> int:
    """People on the census who may vote here (district and age): the turnout's denominator."""
    settings = votes.get_settings(consultation)
    query = select(func.count()).select_from(CensusEntry)
    districts = votes.eligible_district_ids(consultation.id)
    if districts:
        query = query.where(CensusEntry.district_id.in_(districts))
    if settings is not None and settings.minimum_age:
        year = (consultation.voting_from or date.today()).year
        query = query.where(or_(CensusEntry.birth_year.is_(None),
                                CensusEntry.birth_year <= year - settings.minimum_age))
    return db.session.scalar(query) or 0


def _snapshot(consultation: Consultation, result: VotingResult) -> dict[str, Any]:
    roll = db.session.scalar(select(func.count()).select_from(VoterRoll)
                             .where(VoterRoll.consultation_id == consultation.id)) or 0
    return {"method": result.method.value, "rule": result.rule,
            "ballots_online": result.ballots_online, "ballots_paper": result.ballots_paper,
            "voter_roll": roll, "eligible": eligible_count(consultation),
            "selected": list(result.selected),
            "total_cost": str(result.total_cost) if result.total_cost is not None else None,
            "details": result.details,
            "options": {str(o.proposal_id): {"title": o.title, "cost": str(o.cost),
                                             "district_id": o.district_id}
                        for o in ballot_options(consultation.id)},
            "explanations": explanations(consultation, result)}


def _money(value) -> str:
    """An exact amount rounded to the grosz, for display (the decisions were made exactly)."""
    value = Fraction(value)
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.2f}"


def explanations(consultation: Consultation, result: VotingResult) -> list[dict[str, Any]]:
    """For Equal Shares, per pool: the per-voter share, who paid for each funded project, and
    the projects greedy by votes would fund instead (app/votes/tally/explain.py)."""
    settings = votes.get_settings(consultation)
    if (settings is None or settings.method is not VotingMethod.BUDGET
            or not result.rule.startswith("equalshares")):
        return []
    out = []
    ballots = _ballots(consultation.id)
    counted = {pool.get("district_id"): pool for pool in (result.details or {}).get("pools", [])}
    for district_id, election in votes.budget_elections(consultation, settings, ballots):
        if not election.votes:
            continue
        pool = counted.get(district_id, {})
        if "per_voter_budget" in pool:  # as the tally left it: no need to count again
            selected = [str(pid) for pid in pool["selected"]]
            share = Fraction(pool["per_voter_budget"])
        else:
            outcome = engine.tally(election, result.rule)
            selected, share = list(outcome.selected), outcome.details.get("per_voter_budget")
        told = explain(election, selected, share if share else None)
        out.append({
            "district_id": district_id, "voters": told.voters,
            "per_voter_budget": _money(told.per_voter_budget),
            "payments": [{"proposal_id": int(p.project_id), "cost": _money(p.cost),
                          "supporters": p.supporters, "price": _money(p.price),
                          "paid_in_full": p.paid_in_full, "paid_all_left": p.paid_all_left}
                         for p in told.payments],
            "completed": [int(pid) for pid in told.completed],
            "greedy_only": [int(pid) for pid in told.greedy_only],
            "equal_shares_only": [int(pid) for pid in told.equal_shares_only]})
    return out


# -- Proposing, approving, publishing ----------------------------------------------------------


def propose(consultation: Consultation, actor: User, answers: dict[str, dict[str, str]],
            summary: str = "") -> Publication:
    """Staff propose the result with the answers; published at once when no second approval
    is required, else it waits for another staff member. A new proposal replaces a waiting one.
    """
    _lock(consultation)
    refusal = publish_refusal(consultation)
    if refusal:
        raise PublishError(refusal)
    previous = current(consultation.id)
    if previous is not None and not summary.strip():
        raise PublishError(_("Say what the correction changes and why."))
    waiting = pending(consultation.id)
    if waiting is not None:
        record(actor, "results.discard", "consultation", consultation.id,
               details={"publication_id": waiting.id, "replaced": True})
        db.session.delete(waiting)
        db.session.flush()
    result = votes.get_result(consultation)
    publication = Publication(consultation_id=consultation.id,
                              snapshot=_snapshot(consultation, result), answers=answers,
                              change_summary=summary.strip() or None,
                              proposed_by_id=actor.id, proposed_at=utcnow(),
                              supersedes_id=previous.id if previous else None)
    db.session.add(publication)
    db.session.flush()
    record(actor, "results.propose", "consultation", consultation.id,
           reason=summary.strip(),
           details={"publication_id": publication.id, "selected": result.selected,
                    "answers": answers, "second_approval": second_approval_required()})
    if not second_approval_required():
        _publish(consultation, publication, actor)
    db.session.commit()
    return publication


def approve(consultation: Consultation, publication_id: int, actor: User) -> Publication:
    """A second staff member approves a waiting publication: it is published."""
    _lock(consultation)
    publication = db.session.scalar(
        select(Publication).where(Publication.id == publication_id,
                                  Publication.consultation_id == consultation.id)
        .with_for_update().execution_options(populate_existing=True))
    if publication is None or publication.is_published:
        db.session.rollback()
        raise PublishError(_("This result is no longer waiting for approval."))
    if publication.proposed_by_id == actor.id:
        db.session.rollback()
        raise PublishError(_("Another staff member must approve what you proposed."))
    _publish(consultation, publication, actor)
    db.session.commit()
    return publication


def discard(consultation: Consultation, publication_id: int, actor: User) -> None:
    """Withdraw a waiting publication (any staff member, for example to fix an answer)."""
    _lock(consultation)
    publication = db.session.get(Publication, publication_id)
    if (publication is None or publication.consultation_id != consultation.id
            or publication.is_published):
        raise PublishError(_("This result is no longer waiting for approval."))
    record(actor, "results.discard", "consultation", consultation.id,
           details={"publication_id": publication.id, "replaced": False})
    db.session.delete(publication)
    db.session.commit()


def _lock(consultation: Consultation) -> None:
    """Hold the consultation's row until the commit: two staff members proposing, approving or
    withdrawing at the same moment are served one after the other, and the second sees what the
    first did (a clear message, never a clash of publication numbers)."""
    db.session.execute(select(Consultation.id).where(Consultation.id == consultation.id)
                       .with_for_update())
    db.session.expire_all()


def _publish(consultation: Consultation, publication: Publication, approver: User) -> None:
    previous = current(consultation.id)
    number = (db.session.scalar(select(func.max(Publication.number)).where(
        Publication.consultation_id == consultation.id)) or 0) + 1
    publication.number = number
    publication.approved_by_id = approver.id
    publication.published_at = utcnow()
    publication.supersedes_id = previous.id if previous else None
    publication.changes = _changes(previous, publication) if previous else None
    for name, pool, media_type, content in build_files(consultation, publication):
        db.session.add(PublishedFile(publication_id=publication.id, name=name, pool=pool,
                                     media_type=media_type, content=content,
                                     sha256=hashlib.sha256(content).hexdigest()))
    _set_statuses(publication, previous, approver)
    result = votes.get_result(consultation)
    if result is not None and result.published_at is None:
        result.published_at = publication.published_at
    record(approver, "results.publish", "consultation", consultation.id,
           details={"publication_id": publication.id, "number": number,
                    "proposed_by": publication.proposed_by_id,
                    "approved_by": approver.id,
                    "supersedes": previous.id if previous else None,
                    "changes": publication.changes})
    db.session.flush()


def _changes(previous: Publication, publication: Publication) -> list[dict[str, Any]]:
    changes = []
    for key, new in publication.answers.items():
        old = previous.answers.get(key)
        if old != new:
            changes.append({"proposal_id": int(key), "from": old, "to": new})
    if previous.snapshot.get("selected") != publication.snapshot.get("selected"):
        changes.append({"selected": {"from": previous.snapshot.get("selected"),
                                     "to": publication.snapshot.get("selected")}})
    return changes


def _set_statuses(publication: Publication, previous: Publication | None, actor: User) -> None:
    for key, value in publication.answers.items():
        if previous is not None and previous.answers.get(key) == value:
            continue
        proposal = db.session.get(Proposal, int(key))
        if proposal is None:
            continue
        answer = Answer(value["answer"])
        status = STATUS_FOR[answer]
        if answer is Answer.FUNDED and proposal.status in FUNDED_LATER:
            continue
        note = value.get("reason") or (_("Not funded in the vote.")
                                       if answer is Answer.NOT_FUNDED else None)
        change_status(proposal, status, actor, note)


# -- The files ---------------------------------------------------------------------------------


def build_files(consultation: Consultation, publication: Publication
                ) -> list[tuple[str, str, str, bytes]]:
    """(name, pool, media type, bytes) of every file published with a result."""
    settings = votes.get_settings(consultation)
    ballots = _ballots(consultation.id)
    files = []
    if settings is not None and settings.method is VotingMethod.BUDGET:
        for district_id, election in pabulib_elections(consultation, settings, ballots,
                                                       publication.snapshot):
            pool = "city" if district_id is None else str(district_id)
            name = "ballots-city.pb" if district_id is None else f"ballots-district-{pool}.pb"
            files.append((name, pool, "text/plain; charset=utf-8",
                          engine.format_pabulib(election).encode()))
    elif settings is not None and settings.method is VotingMethod.APPROVAL:
        election = approval_pabulib(consultation, settings, ballots, publication.snapshot)
        files.append(("ballots.pb", "city", "text/plain; charset=utf-8",
                      engine.format_pabulib(election).encode()))
    files.append(("ballots.csv", "", "text/csv; charset=utf-8",
                  ballots_csv(consultation, settings, ballots).encode()))
    return files


def _ballots(consultation_id: int) -> list:
    """Every ballot in the order of its random id: a ballot's number says nothing about it."""
    return [tuple(row) for row in db.session.execute(
        select(Ballot.district_id, Ballot.channel, Ballot.choices)
        .where(Ballot.consultation_id == consultation_id).order_by(Ballot.id))]


def _file_meta(consultation: Consultation, district: str = "") -> dict[str, str]:
    """The META rows that say which election a published .pb file holds."""
    year = str((consultation.voting_from or date.today()).year)
    meta = {"description": consultation.title, "country": "Poland",
            "unit": get_setting("city_name", "") or consultation.title, "instance": year,
            "subunit": district, "district": district}
    return {key: value for key, value in meta.items() if value != ""}


def approval_pabulib(consultation: Consultation, settings, ballots,
                     snapshot: Mapping[str, Any]) -> engine.Election:
    """An approval vote ("choose up to k") as a Pabulib file any PB counter can recount.

    Pabulib describes budgets, so each option is given a cost of 1 and the budget is the
    number of winners k: counting greedily by votes then funds exactly the k options with most
    votes, ties to the lower id in natural order, never one nobody chose, which is how Agora
    counts an approval vote. META `comment` says so, and the proposals' own estimated costs
    are not in the file. Voter ids are the ballots' numbers in the order of their random ids.
    """
    options = sorted(votes.ballot_options(consultation, settings),
                     key=lambda option: option.proposal_id)
    winners = settings.approval_max or len(options)
    voted = []
    for number, (_d, _c, choices) in enumerate(ballots, start=1):
        picked = tuple(str(pid) for pid in choices.get("proposals", []))
        if picked:
            voted.append(engine.Vote(str(number), picked))
    counts = Counter(pid for vote in voted for pid in vote.projects)
    selected = {int(pid) for pid in snapshot.get("selected", [])}
    meta = {**_file_meta(consultation), "num_projects": str(len(options)),
            "num_votes": str(len(voted)), "budget": str(winners), "vote_type": "approval",
            "rule": "greedy", "max_length": str(winners),
            "comment": (f"Approval vote: each voter chose up to {winners} options and the "
                        f"{winners} with most votes win. Each option is given cost 1 and the "
                        f"budget is {winners}, so a greedy count by votes gives the winners.")}
    projects = {
        str(option.proposal_id): engine.Project(str(option.proposal_id), Fraction(1), {
            "name": option.title, "votes": str(counts[str(option.proposal_id)]),
            "selected": "1" if option.proposal_id in selected else "0"})
        for option in options}
    return engine.Election(meta, projects, voted,
                           project_columns=("name", "votes", "selected"))


def pabulib_elections(consultation: Consultation, settings, ballots,
                      snapshot: Mapping[str, Any]) -> list[tuple[int | None, engine.Election]]:
    """The tally engine's elections of each pool with the META and columns Pabulib expects.

    Voter ids are the ballots' numbers in the order of their random ids (as the tally used
    them), never a receipt or anything on the voter roll.
    """
    names = votes.district_names()
    selected = set(snapshot.get("selected", []))
    pools = {pool.get("district_id"): pool for pool in snapshot.get("details", {})
             .get("pools", [])}
    out = []
    for district_id, election in votes.budget_elections(consultation, settings, ballots):
        counts = engine.vote_counts(election)
        meta = {**_file_meta(consultation, names.get(district_id, "") if district_id else ""),
                **election.meta}
        in_pool = pools.get(district_id, {})
        chosen = set(in_pool.get("selected", selected))
        projects = {
            pid: engine.Project(pid, project.cost, {
                "name": project.fields.get("name", ""), "votes": str(counts[pid]),
                "selected": "1" if int(pid) in chosen else "0"})
            for pid, project in election.projects.items()}
        out.append((district_id, engine.Election(
            meta, projects, election.votes, project_columns=("name", "votes", "selected"))))
    return out


def ballots_csv(consultation: Consultation, settings, ballots) -> str:
    """Every ballot as a CSV row: its number, its district, what it chose. No voter data."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if settings is not None and settings.method is VotingMethod.YES_NO:
        questions = votes.questions_of(consultation.id)
        writer.writerow(["ballot", "district_id", *(f"question_{q.id}" for q in questions)])
        for number, (district_id, _c, choices) in enumerate(ballots, start=1):
            answers = choices.get("answers", {})
            writer.writerow([number, district_id or "",
                             *(answers.get(str(q.id), "") for q in questions)])
    else:
        writer.writerow(["ballot", "district_id", "proposals"])
        for number, (district_id, _c, choices) in enumerate(ballots, start=1):
            writer.writerow([number, district_id or "",
                             ",".join(str(p) for p in choices.get("proposals", []))])
    return out.getvalue()


# -- Receipts ----------------------------------------------------------------------------------

RECEIPTS_PER_PAGE = 100


def receipts_page(consultation_id: int, page: int):
    """The published receipts (SHA-256 of each code), sorted, a page at a time."""
    return db.paginate(select(Ballot.receipt_hash).where(
        Ballot.consultation_id == consultation_id, Ballot.receipt_hash.is_not(None))
        .order_by(Ballot.receipt_hash), page=page, per_page=RECEIPTS_PER_PAGE,
        error_out=False)


def receipt_counted(consultation_id: int, code: str) -> bool:
    """Whether a receipt code's ballot is in the count."""
    digest = votes.receipt_hash(code)
    return db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.consultation_id == consultation_id, Ballot.receipt_hash == digest)) > 0


# -- The results page --------------------------------------------------------------------------


@dataclass
class Row:
    """A proposal on the results page."""

    proposal_id: int
    title: str
    cost: Decimal
    votes: int
    selected: bool
    answer: Answer
    reason: str


def pool_rows(publication: Publication) -> list[tuple[int | None, dict, list[Row]]]:
    """Each pool (city-wide first) with its proposals, most votes first."""
    snapshot = publication.snapshot
    options = snapshot.get("options", {})
    out = []
    for pool in snapshot.get("details", {}).get("pools", []):
        rows = []
        for pid, count in pool.get("votes", {}).items():
            option = options.get(str(pid), {})
            answer = publication.answers.get(str(pid), {})
            rows.append(Row(int(pid), option.get("title", ""),
                            Decimal(option.get("cost", "0")), int(count),
                            int(pid) in pool.get("selected", []),
                            Answer(answer.get("answer", Answer.NOT_FUNDED.value)),
                            answer.get("reason", "")))
        rows.sort(key=lambda r: (-r.votes, r.cost, r.proposal_id))
        out.append((pool.get("district_id"), pool, rows))
    return out


def api_data(publication: Publication) -> dict[str, Any]:
    """The published result for the open-data API (links are added by the API's view)."""
    snapshot = publication.snapshot
    details = snapshot.get("details", {})
    return {
        "consultation_id": publication.consultation_id, "publication": publication.number,
        "published_at": publication.published_at.isoformat(),
        "method": snapshot.get("method"), "rule": snapshot.get("rule"),
        "selected": list(snapshot.get("selected", [])),
        "funded": sorted(int(key) for key, value in publication.answers.items()
                         if value.get("answer") == Answer.FUNDED.value),
        "answers": [{"proposal_id": int(key), "answer": value.get("answer"),
                     "reason": value.get("reason", "")}
                    for key, value in sorted(publication.answers.items(),
                                             key=lambda item: int(item[0]))],
        "ballots_online": snapshot.get("ballots_online", 0),
        "ballots_paper": snapshot.get("ballots_paper", 0),
        "voter_roll": snapshot.get("voter_roll", 0), "eligible": snapshot.get("eligible", 0),
        "total_cost": snapshot.get("total_cost"),
        "pools": [{"district_id": pool.get("district_id"), "budget": pool.get("budget"),
                   "ballots": pool.get("ballots"), "selected": pool.get("selected", []),
                   "total_cost": pool.get("total_cost"), "votes": pool.get("votes", {})}
                  for pool in details.get("pools", [])],
        "questions": details.get("questions", []),
        "changes": publication.changes,
        "files": [{"name": f.name, "sha256": f.sha256} for f in files_of(publication)],
    }
