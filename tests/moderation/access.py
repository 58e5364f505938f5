"""Who may open the moderation pages (merged into tests/access.py TABLE)."""

from __future__ import annotations

from tests.access import everyone

TABLE = {
    ("moderation.log", "GET"): everyone(200),
}
