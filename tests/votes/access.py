"""Who may use the voting routes (merged into tests/access.py TABLE).

The walk's consultation is in its proposals phase; `extra_url_values` gives it a vote, so
voters' pages say when voting opens (200), posts are refused as not open yet (409), and
staff see their pages; an empty settings or paper form gets its errors (422).
"""

from __future__ import annotations

from app.extensions import db
from app.votes.models import VotingMethod, VotingSettings
from tests.access import STAFF, at_least, signed_in

TABLE = {
    ("votes.ballot", "GET"): signed_in(200, unconfirmed=302),
    ("votes.running_total", "GET"): signed_in(303, unconfirmed=302),
    ("votes.review", "POST"): signed_in(409, unconfirmed=302),
    ("votes.cast", "POST"): signed_in(409, unconfirmed=302),
    ("votes.receipt", "GET"): signed_in(200, unconfirmed=302),
    ("votes.receipt_download", "GET"): signed_in(404, unconfirmed=302),
    ("votes.forget_receipt", "POST"): signed_in(303, unconfirmed=302),
    ("votes.settings", "GET"): at_least(STAFF),
    ("votes.settings", "POST"): at_least(STAFF, 422),
    ("votes.overview", "GET"): at_least(STAFF),
    ("votes.paper", "GET"): at_least(STAFF),
    ("votes.paper", "POST"): at_least(STAFF, 409),
    ("votes.record_paper", "POST"): at_least(STAFF, 422),
    ("votes.close", "GET"): at_least(STAFF),
    ("votes.close", "POST"): at_least(STAFF, 409),
}


def extra_url_values(users, values: dict) -> dict:
    """A participatory-budget vote for the walk's consultation."""
    db.session.add(VotingSettings(consultation_id=values["consultation_id"],
                                  method=VotingMethod.BUDGET, city_budget=100_000,
                                  min_picks=1, tally_rule="greedy",
                                  verification_required=True))
    db.session.commit()
    return {}
