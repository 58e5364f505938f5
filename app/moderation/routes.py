"""Views of moderation: the public moderation log."""

from __future__ import annotations

from flask import render_template, request

from app.moderation import bp, services
from app.security import wants_fragment


@bp.route("/log")
def log():
    """Every moderator, staff and administrator action, newest first, filterable by kind."""
    action = services.parse_action(request.args.get("action"))
    pagination = services.log_page(request.args.get("page", 1, type=int) or 1, action)
    context = {"pagination": pagination, "rows": services.log_rows(pagination.items),
               "action": action}
    if wants_fragment():
        return render_template("moderation/_log_table.html", **context)
    return render_template("moderation/log.html", head=services.chain_head(),
                           actions=services.action_choices(), **context)
