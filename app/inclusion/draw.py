"""The panel draw: a stratified lottery by the sortition-algorithms library (pure: no database).

The library is an optional extra (`pip install -e ".[panels]"`: GPL-3.0, and with its solvers
about 500 MB), so it is imported only when a draw runs; `available()` says whether it is
installed, and staff see a message where it is not.

Method: "maximin" with the HiGHS solver, both installed from PyPI with the library. It finds
a probability distribution over panels that meet every quota and makes the smallest chance of
any volunteer as large as possible, then picks one panel from that distribution. Every random
choice, the solver's included, comes from the seed, so the same pool, quotas, size and seed
give the same panel on any machine with the same library version (pinned in constraints.txt).
Each volunteer's chance of selection is the one the library reports for that distribution.
"""

from __future__ import annotations

import importlib.util
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ALGORITHM = "maximin"
SOLVER = "highspy"
FEATURES = ("gender", "age_band", "district", "work_situation")
ID_COLUMN = "number"
PROBABILITY_HEADER = "Probability of selection"


class DrawUnavailable(RuntimeError):
    """The optional sortition library is not installed."""


class DrawFailed(ValueError):
    """The quotas cannot be met with this pool (or the input is not valid for the library)."""


@dataclass(frozen=True)
class Quota:
    feature: str
    value: str
    minimum: int
    maximum: int


@dataclass(frozen=True)
class DrawResult:
    selected: list[int]  # volunteer numbers, sorted
    probabilities: dict[int, float]  # volunteer number -> chance of selection (0 to 1)


def available() -> bool:
    """Whether the sortition library and its solver are installed."""
    return all(importlib.util.find_spec(name) is not None
               for name in ("sortition_algorithms", SOLVER))


def run_draw(pool: Sequence[Mapping[str, str]], quotas: Sequence[Quota], size: int,
             seed: int) -> DrawResult:
    """Draw `size` volunteers from `pool` (rows with "number" and each feature) under quotas.

    Raises DrawUnavailable without the library, DrawFailed when the quotas cannot be met.
    """
    if not available():
        raise DrawUnavailable
    if seed <= 0:
        raise ValueError("the seed must be a positive whole number")
    from sortition_algorithms import (
        Settings,
        SortitionBaseError,
        read_in_features,
        read_in_people,
        run_stratification,
    )
    from sortition_algorithms.utils import RunError, RunTable

    for name in ("sortition_algorithms", "sortition_algorithms_user"):  # they print to stdout
        logging.getLogger(name).setLevel(logging.WARNING)

    features_body = [{"feature": q.feature, "value": q.value, "min": str(q.minimum),
                      "max": str(q.maximum)} for q in quotas]
    settings = Settings(id_column=ID_COLUMN, columns_to_keep=[], check_same_address=False,
                        selection_algorithm=ALGORITHM, solver_backend=SOLVER,
                        random_number_seed=seed)
    people_body = [{ID_COLUMN: str(row[ID_COLUMN]), **{f: str(row[f]) for f in FEATURES}}
                   for row in sorted(pool, key=lambda row: int(row[ID_COLUMN]))]
    state = random.getstate()  # the library seeds Python's shared generator: put it back
    try:
        features, _, _ = read_in_features(["feature", "value", "min", "max"], features_body,
                                          size)
        people, _ = read_in_people([ID_COLUMN, *FEATURES], people_body, features, settings)
        success, panels, report = run_stratification(features, people, size, settings)
    except (SortitionBaseError, ValueError, RuntimeError) as error:
        raise DrawFailed(str(error)) from error
    finally:
        random.setstate(state)
    entries = report._data  # the library's report is a list of lines, tables and errors
    if not success or len(panels) != 1:
        errors = [str(entry.error) for entry in entries if isinstance(entry, RunError)]
        raise DrawFailed("; ".join(errors) or "no panel meets the quotas")
    probabilities: dict[int, float] = {}
    for entry in entries:
        if isinstance(entry, RunTable) and PROBABILITY_HEADER in entry.headers:
            column = entry.headers.index(PROBABILITY_HEADER)
            for row in entry.data:
                probabilities[int(row[0])] = float(str(row[column]).rstrip("%")) / 100
    return DrawResult(sorted(int(number) for number in panels[0]), probabilities)


def quotas_met(selected_rows: Sequence[Mapping[str, str]], quotas: Sequence[Quota]) -> bool:
    """Whether a panel has between the least and the most members of every quota."""
    for quota in quotas:
        members = sum(1 for row in selected_rows if str(row[quota.feature]) == quota.value)
        if not quota.minimum <= members <= quota.maximum:
            return False
    return True
