"""Moderation: the public, hash-chained audit log of moderator, staff and administrator actions
(reports, the review queue and moderation actions come next, in this package)."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.moderation import models, routes  # noqa: E402,F401
