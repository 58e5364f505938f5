"""Implementation of funded projects: status, progress, dated staff updates, roll-ups."""

from flask import Blueprint

bp = Blueprint("implementation", __name__)

from app.implementation import models, routes  # noqa: E402,F401
