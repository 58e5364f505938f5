"""A closed vote with ballots, ready to publish; two staff members."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.accounts.models import Role, User
from app.consultations.models import Consultation
from app.extensions import db
from app.results import services
from app.votes import services as votes
from tests.votes.helpers import Vote, make_vote, verified_voter


@dataclass
class Closed:
    vote: Vote
    receipts: list[str]
    staff: User
    other_staff: User

    @property
    def consultation(self) -> Consultation:
        return db.session.get(Consultation, self.vote.id)


def closed_vote(tally_rule: str = "equalshares/add1") -> Closed:
    """A city-wide budget of 700 where Equal Shares and greedy by votes differ.

    Four voters choose the 400 and the 300 projects, two the 200 one: greedy funds 400 + 300;
    Equal Shares gives the two a fair part and funds 300 + 200. One more voter in the north
    district pool. (Small sums: Equal Shares with completion raises each voter's share one
    unit at a time, so a budget of 700,000 would take it tens of thousands of rounds.)
    """
    vote = make_vote(tally_rule=tally_rule, city_costs=(400, 300, 200), north_costs=(60, 50),
                     south_costs=(70,), city_budget=700, pools={"north": 100})
    c = vote.city
    receipts = []
    picks = [[c[0], c[1]]] * 4 + [[c[2]]] * 2 + [[c[2], vote.in_north[0]]]
    for chosen in picks:
        voter = verified_voter(vote.north)
        receipts.append(votes.cast_ballot(db.session.get(Consultation, vote.id), voter,
                                          votes.Choices([p.id for p in chosen])))
    staff = verified_voter(role=Role.STAFF)
    other = verified_voter(role=Role.STAFF)
    votes.close_voting(db.session.get(Consultation, vote.id), staff)
    return Closed(vote, receipts, staff, other)


def publish(closed: Closed) -> None:
    """Proposed by one staff member, approved by the other (through the services)."""
    consultation = closed.consultation
    result = votes.get_result(consultation)
    answers = services.default_answers(result, services.ballot_options(consultation.id))
    with current_app.test_request_context("/"):  # notifications link to the proposals
        publication = services.propose(consultation, closed.staff, answers)
        services.approve(consultation, publication.id, closed.other_staff)
