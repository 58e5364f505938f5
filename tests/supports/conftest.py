"""Fixtures for the supports' tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(in_english):
    """These tests read English text."""
    yield
