"""Fixtures for the tally engine: sample files read once, a CLI runner without a database."""

from __future__ import annotations

import pytest

from app import create_app
from app.votes.tally import Election, read_pabulib
from config import TestConfig

_read: dict[str, Election] = {}


def sample(path) -> Election:
    """A sample file, parsed once per test run (Łódź takes a noticeable part of a second)."""
    key = str(path)
    if key not in _read:
        _read[key] = read_pabulib(path)
    return _read[key]


@pytest.fixture(scope="session")
def tally_runner():
    """`flask ...` commands of an app that never touches its (in-memory) database."""
    return create_app(TestConfig).test_cli_runner()
