"""Who may use the implementation routes (merged into tests/access.py TABLE).

The walk's proposal is submitted, not funded: staff asking to report on it get the 409 page
that says so. The implementation page of a consultation is public.
"""

from __future__ import annotations

from tests.access import STAFF, at_least, everyone

TABLE = {
    ("implementation.consultation", "GET"): everyone(200),
    ("implementation.add_update", "GET"): at_least(STAFF, 409),
    ("implementation.add_update", "POST"): at_least(STAFF, 409),
}
