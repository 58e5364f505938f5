"""Following proposals, in-app notifications and email preferences."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from app.notifications import models, routes  # noqa: E402,F401
