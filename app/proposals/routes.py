"""Views of proposals."""

from app.proposals import bp  # noqa: F401
