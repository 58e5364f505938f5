"""Views of notifications."""

from app.notifications import bp  # noqa: F401
