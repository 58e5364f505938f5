"""Recount a published .pb file two independent ways: pabutools and scripts/recount.py."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from app.votes.tally.election import natural_key

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "recount.py"


def with_pabutools(text: str, rule: str) -> list[str]:
    """The selected project ids by pabutools: Equal Shares (add1, then completed greedily by
    votes, as the rule of Wieliczka and Agora's demo) or greedy by votes."""
    instance, profile = parse_pabulib_from_string(text)
    votes = {project.name: profile.approval_score(project) for project in instance}
    ties = TieBreakingRule(lambda inst, prof, project: (
        project.cost, -votes[project.name], natural_key(project.name)))
    if rule.startswith("equalshares"):
        chosen = list(method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, tie_breaking=ties,
            voter_budget_increment=1 if "add1" in rule else None))
    else:
        chosen = []
    # Greedy completion by votes (the whole rule when the rule is greedy).
    spent = sum((Fraction(p.cost) for p in chosen), Fraction(0))
    names = {p.name for p in chosen}
    for project in sorted(instance, key=lambda p: (-votes[p.name], p.cost, natural_key(p.name))):
        if project.name in names or not votes[project.name]:
            continue
        if spent + Fraction(project.cost) <= Fraction(instance.budget_limit):
            chosen.append(project)
            names.add(project.name)
            spent += Fraction(project.cost)
    assert greedy_utilitarian_welfare  # imported to show which rule greedy mirrors
    return sorted(names, key=natural_key)


def with_script(text: str) -> list[str]:
    """The selected project ids by scripts/recount.py, run isolated from the app."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ballots.pb"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-I", "-S", str(SCRIPT), str(path)],  # noqa: S603
                              capture_output=True, text=True, timeout=120, cwd=folder,
                              check=True)
    return sorted(json.loads(done.stdout)["selected"], key=natural_key)
