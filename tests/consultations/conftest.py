"""Fixtures for this feature's tests: English pages, and a browser of its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english(in_english):
    """These tests read English text (client and labels), as the Polish catalogue is complete."""
    yield


