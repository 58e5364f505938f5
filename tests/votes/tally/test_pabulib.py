"""The Pabulib `.pb` reader and writer: samples read and round-trip, bad files name a line."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.votes.tally import PabulibError, format_pabulib, parse_pabulib, read_pabulib, write_pabulib
from tests.votes.tally.conftest import sample
from tests.votes.tally.helpers import SAMPLES, SMALLER_SAMPLES

SMALL = """META
key;value
description;"A ""quoted"" town; with a semicolon"
budget;100.50
vote_type;cumulative
rule;greedy
PROJECTS
project_id;cost;name;selected
1;40.25;"Park ""Zielony"";  ławki";1
2;60;Plac;0
10;5;Chodnik;1
VOTES
voter_id;vote;points;age
a;1,2;3,2;30
b;10;5;41
c;;;
"""


def test_reads_sections_quotes_and_exact_numbers():
    election = parse_pabulib(SMALL)
    assert election.meta["description"] == 'A "quoted" town; with a semicolon'
    assert election.budget == Fraction(20100, 200)
    assert election.vote_type == "cumulative" and election.rule == "greedy"
    assert list(election.projects) == ["1", "2", "10"]
    park = election.projects["1"]
    assert park.cost == Fraction("40.25") and park.field("name") == 'Park "Zielony";  ławki'
    assert election.project_columns == ("name", "selected")
    assert election.vote_columns == ("age",)
    first, second, empty = election.votes
    assert first.projects == ("1", "2") and first.points == (3, 2) and first.fields == ("30",)
    assert second.projects == ("10",) and second.points == (5,)
    assert empty.projects == () and empty.points == ()
    assert election.selected() == ("1", "10")
    assert election.meta_lines["budget"] == 4


def test_a_meta_row_with_an_unquoted_semicolon_is_refused_not_cut():
    """`key;value;more`: text after the value is an error, not silently dropped."""
    with pytest.raises(PabulibError) as error:
        parse_pabulib(SMALL.replace('"A ""quoted"" town; with a semicolon"', "A town;more"))
    assert error.value.line == 3


@pytest.mark.parametrize("path", SMALLER_SAMPLES, ids=lambda path: path.stem)
def test_every_sample_round_trips(path, tmp_path):
    election = sample(path)
    copy = tmp_path / path.name
    write_pabulib(election, copy)
    again = read_pabulib(copy)
    assert again == election
    assert format_pabulib(again) == copy.read_text(encoding="utf-8")


def test_round_trip_keeps_odd_but_valid_text(tmp_path):
    """Quotes inside an unquoted field, CRLF line ends and a byte-order mark survive."""
    text = ("\ufeffMETA\r\nkey;value\r\nbudget;10\r\nvote_type;approval\r\n"
            "PROJECTS\r\nproject_id;cost;name\r\n47;5;\"Odkupmy\" i my\r\n"
            "x;0;\"two\nlines\"\r\nVOTES\r\nvoter_id;vote\r\n1;47,x\r\n")
    path = tmp_path / "odd.pb"
    path.write_bytes(text.encode("utf-8"))
    election = read_pabulib(path)
    assert election.projects["47"].field("name") == '"Odkupmy" i my'
    assert election.projects["x"].field("name") == "two\nlines"
    assert election.votes[0].projects == ("47", "x")
    assert parse_pabulib(format_pabulib(election)) == election


def test_czestochowa_keeps_the_quotes_in_a_project_name():
    election = sample(next(p for p in SAMPLES if "Czestochowa" in p.name))
    assert election.projects["47"].field("name").startswith('"Odkupmy" i my')


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


BAD = [
    ("no META first", lambda t: _with(t, "META\n", "METTA\n"), 1, "META"),
    ("unknown project", lambda t: _with(t, "b;10;5;41", "b;11;5;41"), 15, "'11'"),
    ("project twice in a vote", lambda t: _with(t, "a;1,2;3,2", "a;1,1;3,2"), 14, "twice"),
    ("points do not match", lambda t: _with(t, "a;1,2;3,2", "a;1,2;3"), 14, "points"),
    ("points not numbers", lambda t: _with(t, "a;1,2;3,2", "a;1,2;3,x"), 14, "number"),
    ("cost not a number", lambda t: _with(t, "2;60;Plac", "2;sixty;Plac"), 10, "cost"),
    ("negative cost", lambda t: _with(t, "2;60;Plac", "2;-60;Plac"), 10, "negative"),
    ("budget not a number", lambda t: _with(t, "budget;100.50", "budget;lots"), 4, "budget"),
    ("no budget", lambda t: _with(t, "budget;100.50\n", ""), 6, "budget"),
    ("unknown vote type", lambda t: _with(t, "vote_type;cumulative", "vote_type;secret"), 5,
     "vote_type"),
    ("too many fields", lambda t: _with(t, "2;60;Plac;0", "2;60;Plac;0;9"), 10, "fields"),
    ("too few fields", lambda t: _with(t, "2;60;Plac;0", "2;60"), 10, "fields"),
    ("duplicate project", lambda t: _with(t, "10;5;Chodnik", "2;5;Chodnik"), 11, "twice"),
    ("duplicate META key", lambda t: _with(t, "rule;greedy", "budget;5"), 6, "twice"),
    ("no cost column", lambda t: _with(t, "project_id;cost;name", "project_id;price;name"), 8,
     "cost"),
    ("no points column", lambda t: _with(t, "voter_id;vote;points;age", "voter_id;vote;age;x"),
     13, "points"),
    ("sections out of order", lambda t: _with(t, "PROJECTS\n", "VOTES\n"), 7, "PROJECTS"),
    ("no VOTES", lambda t: t[:t.index("VOTES")], 11, "VOTES"),
    ("unclosed quote", lambda t: _with(t, "2;60;Plac", '2;60;"Plac'), 10, "never closed"),
    ("vote without voter", lambda t: _with(t, "b;10;5;41", ";10;5;41"), 15, "voter_id"),
]


@pytest.mark.parametrize(("change", "line", "words"), [case[1:] for case in BAD],
                         ids=[case[0] for case in BAD])
def test_a_malformed_file_is_refused_naming_the_line(change, line, words):
    with pytest.raises(PabulibError) as error:
        parse_pabulib(change(SMALL))
    assert error.value.line == line
    assert str(error.value).startswith(f"line {line}: ")
    assert words in str(error.value)


def test_non_utf8_files_are_refused(tmp_path):
    path = tmp_path / "latin2.pb"
    path.write_bytes(SMALL.replace("ławki", "\u0142awki").encode("utf-8")[:-1] + b"\xb3\n")
    with pytest.raises(PabulibError, match="UTF-8"):
        read_pabulib(path)


def test_writing_refuses_a_cost_without_a_decimal_form():
    election = parse_pabulib(SMALL)
    election.projects["2"] = election.projects["2"].__class__("2", Fraction(1, 3), {})
    with pytest.raises(ValueError, match="decimal"):
        format_pabulib(election)
