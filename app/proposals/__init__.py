"""Proposals for cooperative projects: writing, listing, searching, status history."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)

from app.proposals import models, routes  # noqa: E402,F401
