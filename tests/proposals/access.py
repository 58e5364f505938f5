"""Who may use the proposals' routes (merged into tests/access.py TABLE).

The walk's proposal is submitted by another resident in a consultation in its proposals
phase, so every visitor is "someone else": edit, submit and withdraw are refused.
"""

from __future__ import annotations

from tests.access import everyone, signed_in

TABLE = {
    ("proposals.index", "GET"): everyone(200),
    ("proposals.mine", "GET"): signed_in(200),
    ("proposals.new", "GET"): signed_in(200, unconfirmed=302),
    ("proposals.new", "POST"): signed_in(200, unconfirmed=302),
    ("proposals.show", "GET"): everyone(200),
    ("proposals.edit", "GET"): signed_in(403, unconfirmed=302),
    ("proposals.edit", "POST"): signed_in(403, unconfirmed=302),
    ("proposals.submit", "POST"): signed_in(403, unconfirmed=302),
    ("proposals.withdraw", "GET"): signed_in(403, unconfirmed=302),
    ("proposals.withdraw", "POST"): signed_in(403, unconfirmed=302),
}
