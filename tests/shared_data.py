"""Where the shared test data is (Pabulib elections, naughty strings): `shared/data` beside the
checkout or beside a folder above it, or the folder named by AGORA_SHARED_DATA (for a clone
made elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_data(name: str) -> Path:
    """The folder `shared/data/<name>` (it may not exist: the tests that need it say so)."""
    if os.environ.get("AGORA_SHARED_DATA"):
        return Path(os.environ["AGORA_SHARED_DATA"]) / name
    for base in ROOT.parents:
        if (base / "shared" / "data" / name).is_dir():
            return base / "shared" / "data" / name
    return ROOT.parent / "shared" / "data" / name
