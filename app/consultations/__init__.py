"""Consultations with dated phases, districts, the strategy goals and their indicators."""

from flask import Blueprint

bp = Blueprint("consultations", __name__)

from app.consultations import models, routes  # noqa: E402,F401
