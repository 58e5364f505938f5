"""The supply-chain check fails on a known vulnerability and names what it could not audit."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "supply_chain.py"


@pytest.fixture
def supply_chain():
    spec = importlib.util.spec_from_file_location("supply_chain", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_audit(monkeypatch, module, dependencies):
    def run(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, json.dumps(
            {"dependencies": dependencies, "fixes": []}), "")

    monkeypatch.setattr(module.subprocess, "run", run)


def test_a_known_vulnerability_fails(monkeypatch, supply_chain, capsys):
    fake_audit(monkeypatch, supply_chain, [
        {"name": "flask", "version": "0.1", "vulns": [
            {"id": "PYSEC-0000-1", "fix_versions": ["3.1.0"], "aliases": []}]},
        {"name": "jinja2", "version": "3.1.6", "vulns": []},
    ])
    assert supply_chain.run_pip_audit() is False
    assert "flask 0.1: PYSEC-0000-1 (fixed in 3.1.0)" in capsys.readouterr().err


def test_clean_dependencies_pass(monkeypatch, supply_chain):
    fake_audit(monkeypatch, supply_chain, [{"name": "jinja2", "version": "3.1.6", "vulns": []}])
    assert supply_chain.run_pip_audit() is True


def test_packages_that_could_not_be_audited_are_named_and_fail_when_strict(
        monkeypatch, supply_chain, capsys):
    fake_audit(monkeypatch, supply_chain, [
        {"name": "jinja2", "version": "3.1.6", "skip_reason": "not found on PyPI"}])
    assert supply_chain.run_pip_audit() is True
    assert "1 packages could not be audited" in capsys.readouterr().err
    monkeypatch.setenv("SUPPLY_CHAIN_STRICT", "1")
    assert supply_chain.run_pip_audit() is False


def test_bandit_reports_high_severity_code(tmp_path, monkeypatch, supply_chain):
    risky = tmp_path / "risky.py"
    risky.write_text("import subprocess\nsubprocess.call('ls ' + input(), shell=True)\n")
    monkeypatch.setattr(supply_chain, "ROOT", tmp_path)
    monkeypatch.setattr(supply_chain, "CODE", ["risky.py"])
    assert supply_chain.run_bandit() is False
    risky.write_text("print('fine')\n")
    assert supply_chain.run_bandit() is True
