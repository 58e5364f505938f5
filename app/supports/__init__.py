"""Supports for proposals and pledges to join their cooperatives."""

from flask import Blueprint

bp = Blueprint("supports", __name__)

from app.supports import models, routes  # noqa: E402,F401
