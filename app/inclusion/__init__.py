"""Inclusion: who takes part compared with who lives here, and citizens' panels drawn by lot."""

from flask import Blueprint

bp = Blueprint("inclusion", __name__)

from app.inclusion import models, routes  # noqa: E402,F401
