"""Who may use the inclusion routes (merged into tests/access.py TABLE).

The walk's panel is open and has no quotas: staff see 409 where a later stage is needed
(draw, recommendations) and 400 for an empty quota form; the private space is staff-only
while nobody is drawn; nobody walking has applied, so withdrawing an application is 404.
"""

from __future__ import annotations

from app.extensions import db
from app.inclusion.models import Panel
from tests.access import ADMIN, STAFF, at_least, everyone, signed_in

TABLE: dict[tuple[str, str], dict[str, int]] = {
    ("inclusion.profile", "GET"): signed_in(200),
    ("inclusion.profile", "POST"): signed_in(200),
    ("inclusion.withdraw_profile", "GET"): signed_in(200),
    ("inclusion.withdraw_profile", "POST"): signed_in(200),
    ("inclusion.platform_dashboard", "GET"): everyone(200),
    ("inclusion.consultation_dashboard", "GET"): everyone(200),
    ("inclusion.population", "GET"): everyone(200),
    ("inclusion.population_example", "GET"): everyone(200),
    ("inclusion.import_population", "GET"): at_least(STAFF),
    ("inclusion.import_population", "POST"): at_least(STAFF),
    ("inclusion.panel_list", "GET"): everyone(200),
    ("inclusion.create_panel", "GET"): at_least(STAFF),
    ("inclusion.create_panel", "POST"): at_least(STAFF),
    ("inclusion.panel", "GET"): everyone(200),
    ("inclusion.apply", "GET"): signed_in(200, unconfirmed=302),
    ("inclusion.apply", "POST"): signed_in(200, unconfirmed=302),
    ("inclusion.withdraw_application", "POST"): signed_in(404),
    ("inclusion.panel_quotas", "GET"): at_least(STAFF),
    ("inclusion.panel_quotas", "POST"): {**at_least(STAFF), STAFF: 400, ADMIN: 400},
    ("inclusion.publish_seed", "GET"): at_least(STAFF),
    ("inclusion.publish_seed", "POST"): at_least(STAFF),
    ("inclusion.draw_panel", "GET"): at_least(STAFF, 409),
    ("inclusion.draw_panel", "POST"): at_least(STAFF, 409),
    ("inclusion.panel_pool", "GET"): everyone(404),
    ("inclusion.panel_quotas_csv", "GET"): everyone(200),
    ("inclusion.panel_space", "GET"): at_least(STAFF),
    ("inclusion.panel_space", "POST"): at_least(STAFF),
    ("inclusion.add_recommendation", "GET"): at_least(STAFF, 409),
    ("inclusion.add_recommendation", "POST"): at_least(STAFF, 409),
}


def extra_url_values(users, values: dict) -> dict:
    """An open panel on the walk's consultation."""
    panel = Panel(title="Panel obywatelski", description="", size=6,
                  consultation_id=values["consultation_id"])
    db.session.add(panel)
    db.session.commit()
    return {"panel_id": panel.id}
