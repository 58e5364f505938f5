"""Published results of a vote: the two-person publication with an answer for every proposal,
corrections as new publications, the public results page, the receipts list and the files
anyone can recount (.pb per pool, CSV, each with its SHA-256)."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from app.results import models, routes  # noqa: E402,F401
