"""What a tally works on: the projects of one budget, the ballots cast, and the rules' settings.

These are plain values with no link to the database, so the same engine counts an election
exported from Agora and any file from the public Pabulib library (see `pabulib.py`). Money and
points are exact `Fraction`s (a budget such as 1546168.66 stays exact); counts are `int`s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

#: Ballot kinds, named as in Pabulib's META `vote_type`.
APPROVAL = "approval"
CHOOSE_ONE = "choose-1"
ORDINAL = "ordinal"
CUMULATIVE = "cumulative"
SCORING = "scoring"
VOTE_TYPES = (APPROVAL, CHOOSE_ONE, ORDINAL, CUMULATIVE, SCORING)
#: Ballot kinds whose VOTES rows carry a `points` column.
POINTS_TYPES = (CUMULATIVE, SCORING)


class TallyError(ValueError):
    """An election the rules cannot count as asked (a missing setting, a wrong ballot kind).

    `line` is the line of the file that holds the offending value, when there is one.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class Project:
    """A project on the ballot: its id as the file spells it, its exact cost, other columns."""

    project_id: str
    cost: Fraction
    #: The remaining columns of its PROJECTS row (name, votes, selected, ...), as text.
    fields: Mapping[str, str] = field(default_factory=dict)

    def field(self, name: str, default: str | None = None) -> str | None:
        """One of the other columns of this project's row, or `default` when absent."""
        return self.fields.get(name, default)


class Vote(NamedTuple):
    """One voter's ballot: the projects in the order written, and points where the kind has them.

    A named tuple rather than a dataclass: a city's file holds up to hundreds of thousands.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    #: The remaining columns of its VOTES row (age, sex, ...), as `Election.vote_columns`.
    fields: tuple[str, ...] = ()


@dataclass(eq=False)
class Election:
    """One participatory-budget election: META settings, projects in file order, and ballots."""

    meta: dict[str, str]
    projects: dict[str, Project]
    votes: list[Vote]
    #: PROJECTS columns after `project_id` and `cost` (kept to write the file back unchanged).
    project_columns: tuple[str, ...] = ()
    #: VOTES columns after `voter_id`, `vote` and `points`.
    vote_columns: tuple[str, ...] = ()
    #: Line of each META key in the file it was read from (for error messages only).
    meta_lines: dict[str, int] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Election):
            return NotImplemented
        return (self.meta == other.meta and self.projects == other.projects
                and self.votes == other.votes and self.project_columns == other.project_columns
                and self.vote_columns == other.vote_columns)

    __hash__ = None  # type: ignore[assignment]

    @property
    def budget(self) -> Fraction:
        """The budget limit (META `budget`)."""
        return self.meta_number("budget", required=True)  # type: ignore[return-value]

    @property
    def vote_type(self) -> str:
        """The ballot kind (META `vote_type`, default approval)."""
        return self.meta.get("vote_type", APPROVAL)

    @property
    def rule(self) -> str | None:
        """The rule the city used, as named in META `rule`."""
        return self.meta.get("rule")

    def meta_number(self, key: str, *, required: bool = False) -> Fraction | None:
        """A numeric META value as an exact fraction (`1546168.66`, `1 000`, `12,5`)."""
        text = self.meta.get(key)
        if text is None:
            if required:
                raise TallyError(f"META has no `{key}`")
            return None
        try:
            return parse_number(text)
        except ValueError:
            raise TallyError(f"META `{key}` is not a number: {text!r}",
                             self.meta_lines.get(key)) from None

    def selected(self) -> tuple[str, ...] | None:
        """The official outcome from the PROJECTS column `selected` (1 = funded), if present."""
        if "selected" not in self.project_columns:
            return None
        return tuple(pid for pid, project in self.projects.items()
                     if (project.field("selected") or "").strip() == "1")

    def cost_of(self, project_ids: Iterable[str]) -> Fraction:
        """The total cost of some projects."""
        return sum((self.projects[pid].cost for pid in project_ids), Fraction(0))


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> Fraction:
    """An exact number from decimal text; a comma may stand for the decimal point."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return Fraction(cleaned)


def format_number(value: Fraction) -> str:
    """Decimal text for an exact number: `12`, `1546168.66`; refuses non-terminating values."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{value} has no exact decimal form")
    places = max(twos, fives)
    scaled = abs(value) * 10**places
    digits = str(scaled.numerator).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def natural_key(text: str) -> tuple:
    """Order ids as people read them: `9` before `10`, `L2` before `L10`, then by text."""
    parts = re.split(r"(\d+)", text)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in parts if part), text
