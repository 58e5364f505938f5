"""Views of supports."""

from app.supports import bp  # noqa: F401
