"""Who may use the supports routes (merged into tests/access.py TABLE)."""

from __future__ import annotations

from app.extensions import db
from app.supports.models import Pledge, PledgeRole
from tests.access import signed_in

# The walk's proposal is submitted and its consultation is in the proposals phase, so a
# confirmed visitor's (empty) support is accepted; an empty pledge form gets its errors (200);
# the pledge to withdraw is another resident's (403).
TABLE = {
    ("supports.support", "POST"): signed_in(303, unconfirmed=302),
    ("supports.unsupport", "POST"): signed_in(303, unconfirmed=302),
    ("supports.pledge", "POST"): signed_in(200, unconfirmed=302),
    ("supports.withdraw", "POST"): signed_in(403),
}


def extra_url_values(users, values: dict) -> dict:
    """A pledge by the proposal's author (another resident) to withdraw."""
    pledge = Pledge(proposal_id=values["proposal_id"], pledger=f"user:{values['user_id']}",
                    user_id=values["user_id"], role=PledgeRole.MEMBER)
    db.session.add(pledge)
    db.session.commit()
    return {"pledge_id": pledge.id}
