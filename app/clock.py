"""The platform's one idea of "today", which decides every consultation's phase.

Call it as ``clock.today()`` (never import the function by name), so that tests can move the
whole platform through a consultation's phases by replacing it in one place.
"""

from __future__ import annotations

from datetime import date


def today() -> date:
    """The current day."""
    return date.today()
