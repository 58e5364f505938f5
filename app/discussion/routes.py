"""Views of discussion."""

from app.discussion import bp  # noqa: F401
