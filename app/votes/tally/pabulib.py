"""Read and write the Pabulib `.pb` format, the public exchange format for PB elections.

A file has three sections, each a line with its name followed by a header line::

    META                     key;value rows: budget, vote_type, rule, min_length, ...
    key;value
    PROJECTS                 project_id;cost;... one row per project
    project_id;cost;votes;name;selected
    VOTES                    voter_id;vote[;points];... one row per voter
    voter_id;vote

Fields are separated by `;` and may be quoted with `"` (a quote inside doubled). A `vote` lists
project ids separated by `,` (in order of preference for ordinal ballots); `points` lists the
points given to each, for cumulative and scoring ballots. Anything wrong — a missing section,
an unknown project in a vote, a cost that is not a number — raises `PabulibError` naming the
line, so a person recounting can find it. Writing keeps every column, so reading a written file
gives back an equal `Election`.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterator
from fractions import Fraction
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from app.votes.tally.election import (
    POINTS_TYPES,
    VOTE_TYPES,
    Election,
    Project,
    TallyError,
    Vote,
    format_number,
    parse_number,
)

SECTIONS = ("meta", "projects", "votes")


class PabulibError(TallyError):
    """A `.pb` file that does not follow the format; `line` is where the problem is."""


def read_pabulib(path: str | Path) -> Election:
    """Read a `.pb` file (UTF-8, with or without a byte-order mark)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            return parse_pabulib(handle)
        except UnicodeDecodeError as error:
            raise PabulibError(f"not UTF-8 text ({error.reason})") from None


def parse_pabulib(source: str | TextIO) -> Election:
    """Parse the text of a `.pb` file, given as a string or an open text file."""
    handle = io.StringIO(source, newline="") if isinstance(source, str) else source
    collecting = gc.isenabled()
    gc.disable()  # a large file makes ~10^5 small acyclic tuples; collecting them is wasted time
    try:
        return _Parser(handle).parse()
    finally:
        if collecting:
            gc.enable()


class _Parser:
    def __init__(self, handle: TextIO) -> None:
        self.lines = handle.read().split("\n")
        self.line = 0
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.projects: dict[str, Project] = {}
        self.votes: list[Vote] = []
        self.project_columns: tuple[str, ...] = ()
        self.vote_columns: tuple[str, ...] = ()
        self.section_lines: dict[str, int] = {}
        self.width = 0  # fields in a VOTES row
        self.columns: dict[str, int] = {}  # VOTES column -> index
        self.extra_fields: Callable[[list[str]], tuple[str, ...]] = lambda cells: ()
        self.ids: dict[str, str] = {}  # each project id to the one string all ballots share

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Each non-blank row with the line it starts on (counting from 1)."""
        lines, index = self.lines, 0
        while index < len(lines):
            text = lines[index].removesuffix("\r")
            start, index = index + 1, index + 1
            if '"' in text:
                row, index = _quoted_row(lines, start - 1)
                if any(cell.strip() for cell in row):
                    yield start, row
            elif text.strip(" \t;"):
                yield start, text.split(";")

    def parse(self) -> Election:
        rows = self.rows()
        section = None
        header: list[str] = []
        for line, row in rows:
            if section == "votes" and len(row) == self.width:
                self._vote_row(row, line)  # the common case, kept fast: no checks of shape
                continue
            self.line = line
            name = row[0].strip().lower()
            if name in SECTIONS and _is_single(row):
                self._enter(name, section, line)
                section = name
                header_line, header = next(rows, (line, []))
                self.line = header_line
                header = [cell.strip() for cell in header]
                self._check_header(section, header, header_line)
                continue
            if section is None:
                raise PabulibError("the file must start with a META section", line)
            cells = row if len(row) == len(header) else _fit(row, len(header), line, header)
            if section == "meta":
                self._meta_row(cells, line)
            elif section == "projects":
                self._project_row(header, cells, line)
            else:
                self._vote_row(cells, line)
        for name in SECTIONS:
            if name not in self.section_lines:
                raise PabulibError(f"no {name.upper()} section", self.line or 1)
        return Election(meta=self.meta, projects=self.projects, votes=self.votes,
                        project_columns=self.project_columns, vote_columns=self.vote_columns,
                        meta_lines=self.meta_lines)

    def _enter(self, name: str, previous: str | None, line: int) -> None:
        if name in self.section_lines:
            raise PabulibError(f"a second {name.upper()} section "
                               f"(the first is on line {self.section_lines[name]})", line)
        expected = SECTIONS[len(self.section_lines)]
        if name != expected:
            raise PabulibError(f"{name.upper()} section where {expected.upper()} should come",
                               line)
        if name == "projects":
            self._check_meta(line)
        self.section_lines[name] = line

    def _check_header(self, section: str, header: list[str], line: int) -> None:
        if not header:
            raise PabulibError(f"the {section.upper()} section has no header line", line)
        if len(set(header)) != len(header):
            raise PabulibError(f"a column is named twice in the header: {';'.join(header)}",
                               line)
        required = {"meta": ("key", "value"), "projects": ("project_id", "cost"),
                    "votes": ("voter_id", "vote")}[section]
        if section == "votes" and self.meta.get("vote_type") in POINTS_TYPES:
            required = (*required, "points")
        missing = [column for column in required if column not in header]
        if section == "meta" and len(header) >= 2:
            missing = []  # The META header is informative; any two names will do.
        if missing:
            raise PabulibError(f"the {section.upper()} header lacks the column "
                               f"{', '.join(missing)}", line)
        if section == "projects":
            self.project_columns = tuple(c for c in header if c not in ("project_id", "cost"))
        elif section == "votes":
            self.vote_columns = tuple(c for c in header
                                      if c not in ("voter_id", "vote", "points"))
            self.width = len(header)
            self.columns = {column: index for index, column in enumerate(header)}
            extra = [self.columns[column] for column in self.vote_columns]
            if len(extra) > 1:
                self.extra_fields = itemgetter(*extra)
            elif extra:
                only = extra[0]
                self.extra_fields = lambda cells: (cells[only],)
            self.ids = {project_id: project_id for project_id in self.projects}

    def _meta_row(self, cells: list[str], line: int) -> None:
        key, value = cells[0].strip(), cells[1].strip()
        if not key:
            raise PabulibError("a META row without a key", line)
        if key in self.meta:
            raise PabulibError(f"META `{key}` given twice (first on line "
                               f"{self.meta_lines[key]})", line)
        self.meta[key] = value
        self.meta_lines[key] = line

    def _check_meta(self, line: int) -> None:
        """Settings every tally needs, checked once META is complete."""
        vote_type = self.meta.get("vote_type")
        if vote_type is not None and vote_type not in VOTE_TYPES:
            raise PabulibError(f"unknown vote_type {vote_type!r} (known: "
                               f"{', '.join(VOTE_TYPES)})", self.meta_lines["vote_type"])
        if "budget" not in self.meta:
            raise PabulibError("META has no `budget`", line)
        try:
            budget = parse_number(self.meta["budget"])
        except ValueError:
            raise PabulibError(f"the budget is not a number: {self.meta['budget']!r}",
                               self.meta_lines["budget"]) from None
        if budget < 0:
            raise PabulibError("the budget is negative", self.meta_lines["budget"])

    def _project_row(self, header: list[str], cells: list[str], line: int) -> None:
        values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
        project_id = values["project_id"]
        if not project_id:
            raise PabulibError("a project without a project_id", line)
        if "," in project_id:
            raise PabulibError(f"project_id {project_id!r} contains a comma", line)
        if project_id in self.projects:
            raise PabulibError(f"project {project_id!r} is listed twice", line)
        try:
            cost = parse_number(values["cost"])
        except ValueError:
            raise PabulibError(f"the cost of project {project_id!r} is not a number: "
                               f"{values['cost']!r}", line) from None
        if cost < 0:
            raise PabulibError(f"the cost of project {project_id!r} is negative", line)
        fields = {column: values[column] for column in self.project_columns}
        self.projects[project_id] = Project(project_id, cost, fields)

    def _vote_row(self, cells: list[str], line: int) -> None:
        columns = self.columns
        voter_id = cells[columns["voter_id"]].strip()
        text = cells[columns["vote"]]
        try:
            chosen = tuple(map(self.ids.__getitem__, text.split(","))) if text else ()
        except KeyError:  # spaces, a blank vote, or a project that is not on the list
            chosen = self._check_vote(_split(text), voter_id, line)
        if not voter_id or (len(chosen) > 1 and len(set(chosen)) != len(chosen)):
            self._check_vote(list(chosen), voter_id, line)
        points = None
        if "points" in columns:
            texts = _split(cells[columns["points"]])
            if len(texts) != len(chosen):
                raise PabulibError(f"voter {voter_id!r} lists {len(chosen)} projects but "
                                   f"{len(texts)} points", line)
            try:
                points = tuple([_points(text) for text in texts])
            except ValueError as error:
                raise PabulibError(f"voter {voter_id!r}: {error}", line) from None
        # The other columns (age, sex, ...) are kept exactly as written.
        self.votes.append(_new_tuple(Vote, (voter_id, chosen, points, self.extra_fields(cells))))

    def _check_vote(self, names: list[str], voter_id: str, line: int) -> tuple[str, ...]:
        """The vote's projects, or the error that a voter_id, a project or a repeat makes."""
        if not voter_id:
            raise PabulibError("a vote without a voter_id", line)
        seen: set[str] = set()
        for name in names:
            if name not in self.projects:
                raise PabulibError(f"voter {voter_id!r} votes for {name!r}, "
                                   "which is not in PROJECTS", line)
            if name in seen:
                raise PabulibError(f"voter {voter_id!r} names project {name!r} twice", line)
            seen.add(name)
        return tuple(self.ids[name] for name in names)


# Builds a Vote without the named tuple's Python-level constructor (a file has ~10^5 of them).
_new_tuple = tuple.__new__
_SMALL_INTS = {str(n): Fraction(n) for n in range(-10, 101)}


def _points(text: str) -> Fraction:
    value = _SMALL_INTS.get(text)
    return value if value is not None else parse_number(text)


def _quoted_row(lines: list[str], index: int) -> tuple[list[str], int]:
    """Split a row holding quotes: a field that starts with `"` runs to the next lone `"` (a
    doubled `""` stands for one quote, and the field may span lines). A field in which quotes
    appear otherwise (`"Odkupmy" i my`) is kept as written."""
    start_line = index + 1
    text = lines[index].removesuffix("\r")
    index += 1
    cells: list[str] = []
    position = 0
    while True:
        if text.startswith('"', position):
            value, cursor = [], position + 1
            while True:
                quote = text.find('"', cursor)
                if quote < 0:  # the field goes on past the end of this line
                    if index >= len(lines):
                        raise PabulibError("a quoted field is never closed", start_line)
                    value.append(text[cursor:] + "\n")
                    text, cursor = lines[index].removesuffix("\r"), 0
                    index += 1
                    position = -1  # the raw field now spans lines; it is only quoted text
                    continue
                if text.startswith('"', quote + 1):
                    value.append(text[cursor:quote + 1])
                    cursor = quote + 2
                    continue
                value.append(text[cursor:quote])
                cursor = quote + 1
                break
            if cursor == len(text) or text[cursor] == ";":
                cells.append("".join(value))
                position = cursor
            elif position < 0:
                raise PabulibError("text after the closing quote of a field that spans lines",
                                   start_line)
            else:  # quotes inside a field that is not quoted as a whole: keep it as written
                end = text.find(";", cursor)
                end = len(text) if end < 0 else end
                cells.append(text[position:end])
                position = end
        else:
            end = text.find(";", position)
            end = len(text) if end < 0 else end
            cells.append(text[position:end])
            position = end
        if position >= len(text):
            return cells, index
        position += 1  # past the `;`
        if position == len(text):
            cells.append("")
            return cells, index


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")] if text.strip() else []


def _is_single(row: list[str]) -> bool:
    return len(row) == 1 or not any(cell.strip() for cell in row[1:])


def _fit(row: list[str], width: int, line: int, header: list[str]) -> list[str]:
    """The row's cells, one per column; empty trailing cells beyond the header are tolerated."""
    if len(row) > width and not any(cell.strip() for cell in row[width:]):
        row = row[:width]
    if len(row) != width:
        raise PabulibError(f"{len(row)} fields where the header ({';'.join(header)}) has "
                           f"{width}", line)
    return row


def write_pabulib(election: Election, path: str | Path) -> None:
    """Write an election as a `.pb` file (UTF-8, `\\n` line ends)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(format_pabulib(election))


def format_pabulib(election: Election) -> str:
    """The `.pb` text of an election."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(election.meta.items())
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *election.project_columns])
    for project in election.projects.values():
        writer.writerow([project.project_id, format_number(project.cost),
                         *(project.fields.get(c, "") for c in election.project_columns)])
    with_points = (election.vote_type in POINTS_TYPES
                   or any(vote.points is not None for vote in election.votes))
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []),
                     *election.vote_columns])
    for vote in election.votes:
        points = ([",".join(format_number(p) for p in vote.points or ())]
                  if with_points else [])
        writer.writerow([vote.voter_id, ",".join(vote.projects), *points, *vote.fields])
    return out.getvalue()
