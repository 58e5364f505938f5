"""Discussion: threaded comments with a stance, up-votes."""

from flask import Blueprint

bp = Blueprint("discussion", __name__)

from app.discussion import models, routes  # noqa: E402,F401
