"""Who may use the discussion's routes (merged into tests/access.py TABLE).

The walk's comment is written by another resident on a proposal whose consultation is in
its proposals phase, so every visitor is "someone else": editing and deleting are refused,
and an empty up-vote form changes nothing.
"""

from __future__ import annotations

from tests.access import everyone, signed_in

TABLE = {
    ("discussion.index", "GET"): everyone(200),
    ("discussion.create", "POST"): signed_in(200, unconfirmed=302),
    ("discussion.reply", "GET"): signed_in(200, unconfirmed=302),
    ("discussion.upvote", "POST"): signed_in(303, unconfirmed=302),
    ("discussion.edit", "GET"): signed_in(403, unconfirmed=302),
    ("discussion.edit", "POST"): signed_in(403, unconfirmed=302),
    ("discussion.delete", "GET"): signed_in(403, unconfirmed=302),
    ("discussion.delete", "POST"): signed_in(403, unconfirmed=302),
}
