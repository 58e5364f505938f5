"""Verification of residents: the census list staff import, a resident's PESEL check and
verification in person at the city office. The model, `CensusEntry`, lives in app/accounts."""

from flask import Blueprint

bp = Blueprint("verification", __name__)

from app.verification import routes  # noqa: E402,F401  - routes attach themselves to bp
