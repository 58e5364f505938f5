"""Open data: a read-only JSON API under /api/v1/, CSV exports and the page that lists them.

The routes spell whole paths (`/api/v1/...` and `/open-data`), so the blueprint is mounted
without a prefix.
"""

from flask import Blueprint

bp = Blueprint("api", __name__)

#: Where version 1 of the API lives; a change that breaks clients gets a new version.
PREFIX = "/api/v1"

from app.api import routes  # noqa: E402,F401
