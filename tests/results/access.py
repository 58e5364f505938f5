"""Who may use the results routes (merged into tests/access.py TABLE).

The walk's consultation has a vote that is not closed (tests/votes/access.py): nothing is
published, so the public pages answer 404 to everyone; staff see the publication page, which
says voting is not closed, and its posts are refused (409).
"""

from __future__ import annotations

from tests.access import STAFF, at_least, everyone

TABLE = {
    ("results.show", "GET"): everyone(404),
    ("results.receipts", "GET"): everyone(404),
    ("results.download", "GET"): everyone(404),
    ("results.publish", "GET"): at_least(STAFF),
    ("results.publish", "POST"): at_least(STAFF, 409),
    ("results.approve", "POST"): at_least(STAFF, 409),
    ("results.discard", "POST"): at_least(STAFF, 409),
}


def extra_url_values(users, values: dict) -> dict:
    return {"name": "ballots.csv"}
