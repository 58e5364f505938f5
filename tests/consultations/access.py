"""Who may open the consultation, district and strategy pages (walked by test_authorisation)."""

from __future__ import annotations

from tests.access import STAFF, at_least, everyone

TABLE: dict[tuple[str, str], dict[str, int]] = {
    ("consultations.index", "GET"): everyone(200),
    ("consultations.show", "GET"): everyone(200),
    ("consultations.create", "GET"): at_least(STAFF),
    ("consultations.create", "POST"): at_least(STAFF),
    ("consultations.edit", "GET"): at_least(STAFF),
    ("consultations.edit", "POST"): at_least(STAFF),
    ("consultations.districts", "GET"): at_least(STAFF),
    ("consultations.districts", "POST"): at_least(STAFF),
    ("consultations.rename_district", "GET"): at_least(STAFF),
    ("consultations.rename_district", "POST"): at_least(STAFF),
    ("consultations.delete_district", "GET"): at_least(STAFF),
    ("consultations.delete_district", "POST"): at_least(STAFF),
    ("consultations.strategy", "GET"): everyone(200),
    ("consultations.goal", "GET"): everyone(200),
    ("consultations.create_goal", "GET"): at_least(STAFF),
    ("consultations.create_goal", "POST"): at_least(STAFF),
    ("consultations.edit_goal", "GET"): at_least(STAFF),
    ("consultations.edit_goal", "POST"): at_least(STAFF),
    ("consultations.delete_goal", "GET"): at_least(STAFF),
    ("consultations.delete_goal", "POST"): at_least(STAFF),
    ("consultations.delete_indicator", "GET"): at_least(STAFF),
    ("consultations.delete_indicator", "POST"): at_least(STAFF),
    ("consultations.import_indicators", "GET"): at_least(STAFF),
    ("consultations.import_indicators", "POST"): at_least(STAFF),
}
