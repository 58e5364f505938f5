"""Figures for the public pages."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Organisation


def home_figures() -> dict[str, int]:
    """Counts shown on the front page."""
    residents = db.session.scalar(
        select(func.count()).select_from(User).where(User.deleted_at.is_(None))) or 0
    organisations = db.session.scalar(
        select(func.count()).select_from(Organisation)
        .where(Organisation.approved_at.is_not(None))) or 0
    return {"residents": residents, "organisations": organisations}
