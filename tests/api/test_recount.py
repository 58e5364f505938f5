"""scripts/recount.py: a second, standalone tally that agrees with the official outcomes and with
`flask tally` on every sample file."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from fractions import Fraction

import pytest

from app import create_app
from config import TestConfig
from tests.votes.tally.helpers import PABULIB, ROOT, SAMPLES

SCRIPT = ROOT / "scripts" / "recount.py"
#: Files whose ballots MES counts quickly enough to try every rule on.
SMALL = ["Poland_Warszawa_2019_Nadwisle", "Poland_Czestochowa_2020_Grabowka",
         "Poland_Krakow_2024_Stare_Miasto", "Poland_Gdansk_2020_Piecki_Migowo"]
RULES = ["greedy", "greedy-no-skip", "equalshares", "equalshares/add1",
         "equalshares/add1-comparison"]


def recount(path, *args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run the script as a stranger would: isolated mode without site packages (so neither
    Agora nor anything installed can be imported), from a folder outside the repository."""
    return subprocess.run([sys.executable, "-I", "-S", str(SCRIPT), str(path), *args],  # noqa: S603
                          capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


def official(path) -> tuple[str, list[str], Fraction] | None:
    """The META rule, the `selected` column's projects and their cost, read by hand here."""
    section, header, rule, chosen, costs = None, [], None, [], Fraction(0)
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        cells = line.split(";")
        if line.strip() in ("META", "PROJECTS", "VOTES"):
            section, header = line.strip(), []
            continue
        if not header:
            header = cells
            continue
        if section == "META" and cells[0] == "rule":
            rule = cells[1]
        elif section == "PROJECTS":
            if "selected" not in header:
                return None
            row = dict(zip(header, cells, strict=False))
            if row["selected"].strip() == "1":
                chosen.append(row["project_id"])
                costs += Fraction(row["cost"])
        elif section == "VOTES":
            break
    return rule, chosen, costs


@pytest.fixture(scope="module")
def tally_runner():
    return create_app(TestConfig).test_cli_runner()


def flask_tally(runner, path, *args: str) -> dict:
    result = runner.invoke(args=["tally", str(path), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_script_uses_only_the_standard_library():
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported, "no imports found: the check would pass vacuously"
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_there_are_samples():
    assert len(SAMPLES) >= 8, f"Pabulib sample missing in {PABULIB}"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_recount_equals_the_official_outcome_and_flask_tally(path, tally_runner, tmp_path):
    result = recount(path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == flask_tally(tally_runner, path)
    published = official(path)
    if published is not None:
        rule, chosen, cost = published
        assert printed["rule"] == rule
        assert printed["selected"] == chosen
        assert Fraction(str(printed["total_cost"])) == cost


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("name", SMALL)
def test_every_rule_agrees_with_flask_tally(name, rule, tally_runner):
    path = PABULIB / f"{name}.pb"
    result = recount(path, "--rule", rule)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == flask_tally(tally_runner, path, "--rule", rule)


def test_threshold_rule_needs_the_threshold(tmp_path):
    path = PABULIB / "Poland_Warszawa_2019_Nadwisle.pb"
    result = recount(path, "--rule", "greedy-threshold")
    assert result.returncode == 2
    assert "min_project_score_threshold" in result.stderr


def test_a_broken_file_is_refused_with_a_message(tmp_path):
    broken = tmp_path / "broken.pb"
    broken.write_text("META\nkey;value\nbudget;100\nrule;greedy\nPROJECTS\nproject_id;cost\n"
                      "a;50\nVOTES\nvoter_id;vote\n1;a,zzz\n", encoding="utf-8")
    result = recount(broken)
    assert result.returncode == 2
    assert "unknown project 'zzz'" in result.stderr
    assert result.stdout == ""


def test_greedy_ties_and_skipping_on_a_small_file(tmp_path):
    """a, b and c tie on votes: the cheaper go first (c, then b); a no longer fits, d does."""
    path = tmp_path / "small.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nrule;greedy\nPROJECTS\n"
                    "project_id;cost\na;60\nb;50\nc;40\nd;10\nVOTES\nvoter_id;vote\n"
                    "1;a,b,c\n2;a,b,c\n3;a,d\n4;b,c\n", encoding="utf-8")
    assert json.loads(recount(path).stdout) == {"rule": "greedy", "selected": ["b", "c", "d"],
                                                "total_cost": 100}
    no_skip = json.loads(recount(path, "--rule", "greedy-no-skip").stdout)
    assert no_skip == {"rule": "greedy-no-skip", "selected": ["b", "c"], "total_cost": 90}
