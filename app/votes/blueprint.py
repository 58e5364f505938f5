"""The voting blueprint (see `app/votes/__init__.py` for why it lives here)."""

from flask import Blueprint

bp = Blueprint("votes", __name__)

from app.votes import models, routes  # noqa: E402,F401
