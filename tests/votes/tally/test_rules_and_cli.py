"""Choosing a rule by name or by the file's META, and `flask tally` on good and bad files."""

from __future__ import annotations

import json

import pytest

from app.votes.tally import RULES, TallyError, format_pabulib, tally
from tests.votes.tally.helpers import PABULIB, election

NADWISLE = PABULIB / "Poland_Warszawa_2019_Nadwisle.pb"


def test_every_rule_named_in_the_task_is_known():
    assert set(RULES) == {"greedy", "greedy-threshold", "greedy-no-skip", "equalshares",
                          "equalshares/add1", "equalshares/add1-comparison"}


def test_tally_follows_the_meta_rule_unless_told_otherwise():
    e = election({"a": 6, "b": 5}, [["a"], ["a"], ["b"]], 10, rule="greedy-no-skip")
    assert tally(e).rule == "greedy-no-skip" and tally(e).selected == ("a",)
    assert tally(e, "greedy").rule == "greedy"


def test_unknown_or_missing_rules_are_refused():
    e = election({"a": 1}, [["a"]], 10, rule="lottery")
    e.meta_lines["rule"] = 7
    with pytest.raises(TallyError) as error:
        tally(e)
    assert error.value.line == 7 and "lottery" in str(error.value)
    with pytest.raises(TallyError, match="unknown rule 'borda'"):
        tally(e, "borda")
    del e.meta["rule"]
    with pytest.raises(TallyError, match="names no rule"):
        tally(e)


def _write(tmp_path, e, name="election.pb"):
    path = tmp_path / name
    path.write_text(format_pabulib(e), encoding="utf-8")
    return str(path)


def test_cli_prints_the_outcome_in_file_order_with_an_exact_total(tally_runner, tmp_path):
    e = election({"b": "0.35", "a": "1.10", "c": "5"}, [["a", "b"], ["a"], ["c"]], "1.5",
                 rule="greedy")
    result = tally_runner.invoke(args=["tally", _write(tmp_path, e)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == '{"rule": "greedy", "selected": ["b", "a"], ' \
                                    '"total_cost": 1.45}'


def test_cli_rule_option_overrides_the_file(tally_runner):
    result = tally_runner.invoke(args=["tally", str(NADWISLE), "--rule", "equalshares"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["rule"] == "equalshares"
    assert printed["total_cost"] <= 135502


def test_cli_refuses_an_unknown_rule_with_status_2(tally_runner):
    result = tally_runner.invoke(args=["tally", str(NADWISLE), "--rule", "lottery"])
    assert result.exit_code == 2
    assert "unknown rule 'lottery'" in result.output and "greedy" in result.output


def test_cli_names_the_meta_line_of_an_unknown_rule(tally_runner, tmp_path):
    e = election({"a": 1}, [["a"]], 10, rule="lottery")
    result = tally_runner.invoke(args=["tally", _write(tmp_path, e)])
    assert result.exit_code == 2
    assert "line 6: META rule 'lottery'" in result.output


def test_cli_refuses_a_malformed_file_naming_the_line(tally_runner, tmp_path):
    e = election({"a": 1}, [["a"]], 10, rule="greedy")
    text = format_pabulib(e).replace("0;a", "0;a,zz")
    path = tmp_path / "bad.pb"
    path.write_text(text, encoding="utf-8")
    result = tally_runner.invoke(args=["tally", str(path)])
    assert result.exit_code == 2
    assert "line 12: voter '0' votes for 'zz', which is not in PROJECTS" in result.output


def test_cli_refuses_a_missing_file(tally_runner, tmp_path):
    result = tally_runner.invoke(args=["tally", str(tmp_path / "none.pb")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
