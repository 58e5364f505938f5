"""Views of consultations."""

from app.consultations import bp  # noqa: F401
