"""Who may open the moderation pages (merged into tests/access.py TABLE).

The walk's items belong to another resident: a comment (the `kind`/`target_id` of the
item routes), a submitted proposal in a consultation in its proposals phase, and that
resident's account. Empty forms change nothing: reports, hiding, locking and blocking need a
reason (200 with the errors); restoring, dismissing, unlocking and unblocking find nothing to
undo (409); a proposal is reviewed only in the review phase (409). Residents get 403 on every
moderator's route.
"""

from __future__ import annotations

from tests.access import MODERATOR, at_least, everyone, signed_in

TABLE = {
    ("moderation.log", "GET"): everyone(200),
    ("moderation.report", "GET"): signed_in(200, unconfirmed=302),
    ("moderation.report", "POST"): signed_in(200, unconfirmed=302),
    ("moderation.queue", "GET"): at_least(MODERATOR),
    ("moderation.hide", "GET"): at_least(MODERATOR),
    ("moderation.hide", "POST"): at_least(MODERATOR),
    ("moderation.restore", "GET"): at_least(MODERATOR),
    ("moderation.restore", "POST"): at_least(MODERATOR, 409),
    ("moderation.dismiss", "GET"): at_least(MODERATOR),
    ("moderation.dismiss", "POST"): at_least(MODERATOR, 409),
    ("moderation.lock", "GET"): at_least(MODERATOR),
    ("moderation.lock", "POST"): at_least(MODERATOR),
    ("moderation.unlock", "GET"): at_least(MODERATOR),
    ("moderation.unlock", "POST"): at_least(MODERATOR, 409),
    ("moderation.block", "GET"): at_least(MODERATOR),
    ("moderation.block", "POST"): at_least(MODERATOR),
    ("moderation.unblock", "GET"): at_least(MODERATOR),
    ("moderation.unblock", "POST"): at_least(MODERATOR, 409),
    ("moderation.review", "GET"): at_least(MODERATOR),
    ("moderation.review_proposal", "GET"): at_least(MODERATOR, 409),
    ("moderation.review_proposal", "POST"): at_least(MODERATOR, 409),
    ("moderation.merge", "GET"): at_least(MODERATOR),
    ("moderation.merge", "POST"): at_least(MODERATOR),
}


def extra_url_values(users, values: dict) -> dict:
    """The item routes act on the walk's comment."""
    return {"kind": "comment", "target_id": values["comment_id"]}
