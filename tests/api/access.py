"""Who may read the open data: everyone (walked by test_authorisation)."""

from __future__ import annotations

from tests.access import everyone

TABLE: dict[tuple[str, str], dict[str, int]] = {
    ("api.index", "GET"): everyone(200),
    ("api.openapi", "GET"): everyone(200),
    ("api.consultations", "GET"): everyone(200),
    ("api.consultation", "GET"): everyone(200),
    ("api.proposals", "GET"): everyone(200),
    ("api.proposal", "GET"): everyone(200),
    ("api.goals", "GET"): everyone(200),
    ("api.goal", "GET"): everyone(200),
    ("api.export_consultations", "GET"): everyone(200),
    ("api.export_proposals", "GET"): everyone(200),
    ("api.export_goals", "GET"): everyone(200),
    ("api.export_indicators", "GET"): everyone(200),
    ("api.open_data", "GET"): everyone(200),
    # nothing is published in the walk's consultation (tests/results/access.py)
    ("api.consultation_results", "GET"): everyone(404),
    ("api.consultation_ballots", "GET"): everyone(404),
}
