"""The tally engine stands alone: standard library only, importable without Flask installed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.votes.tally.helpers import ROOT

PACKAGE = ROOT / "app" / "votes" / "tally"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
        elif isinstance(node, ast.ImportFrom):
            names.add("app.votes.tally")  # a relative import stays inside the package
    return names


def test_the_package_imports_only_the_standard_library_and_itself():
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 6
    for path in modules:
        for name in _imports(path):
            inside = name == "app.votes.tally" or name.startswith("app.votes.tally.")
            standard = name.split(".")[0] in sys.stdlib_module_names
            assert inside or standard, f"{path.name} imports {name}"


BLOCKED = """
import importlib.abc, sys, types
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug",
                                  "jinja2", "click", "config"}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Refuse())
# Stand-in for the app package, whose __init__ builds the Flask app; the tally needs none of it.
app = types.ModuleType("app")
app.__path__ = [sys.argv[1]]
sys.modules["app"] = app
from app.votes.tally import read_pabulib, tally, parse_pabulib
e = parse_pabulib("META\\nkey;value\\nbudget;3\\nrule;equalshares/add1\\nPROJECTS\\n"
                  "project_id;cost\\na;2\\nb;2\\nVOTES\\nvoter_id;vote\\n1;a\\n2;a,b\\n")
print(tally(e).selected)
"""


def test_the_package_imports_and_counts_with_flask_blocked():
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed script
        [sys.executable, "-c", BLOCKED, str(ROOT / "app")], capture_output=True, text=True,
        cwd=str(ROOT / "tests"), check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('a',)"
