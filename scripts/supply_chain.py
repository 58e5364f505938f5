"""Supply-chain checks for `make test`: risky code (bandit) and known vulnerabilities (pip-audit).

- bandit scans the application code; any finding of high severity (medium confidence or more)
  fails.
- pip-audit looks up every pinned dependency (constraints.txt) in the Python Packaging
  Advisory Database through PyPI. PyPI's advisories carry no severity, so any known
  vulnerability fails, not only high and critical ones; one that does not apply is listed in
  IGNORED below with the reason.
- Where the advisory service cannot be reached (a machine without internet access), the
  packages cannot be audited: that is printed plainly and does not fail the run, unless
  SUPPLY_CHAIN_STRICT=1 (set it where the service is reachable, so an outage is noticed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CODE = ["app", "config.py", "wsgi.py", "scripts"]

#: Vulnerability id -> why it does not apply here. Empty: nothing is ignored.
IGNORED: dict[str, str] = {}


def run_bandit() -> bool:
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own virtualenv
        [str(BIN / "bandit"), "-q", "-r", *CODE, "--severity-level", "high",
         "--confidence-level", "medium"], cwd=ROOT, check=False)
    print("bandit: " + ("no high-severity findings" if result.returncode == 0
                        else "high-severity findings above"))
    return result.returncode == 0


def run_pip_audit() -> bool:
    command = [str(BIN / "pip-audit"), "-r", "constraints.txt", "--no-deps", "--disable-pip",
               "--format", "json", "--progress-spinner", "off"]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                            check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print("pip-audit failed to run:\n" + result.stderr, file=sys.stderr)
        return False
    dependencies = report.get("dependencies", [])
    found = [(d["name"], d["version"], v["id"], v.get("fix_versions") or [])
             for d in dependencies for v in d.get("vulns", [])]
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    for name, version, vuln_id, fixes in found:
        fix = f"fixed in {', '.join(fixes)}" if fixes else "no fixed release yet"
        print(f"pip-audit: {name} {version}: {vuln_id} ({fix})", file=sys.stderr)
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} pinned packages audited, "
          f"{len(found)} known vulnerabilities")
    if skipped:
        print(f"pip-audit: WARNING: {len(skipped)} packages could not be audited (is the "
              "advisory service at pypi.org reachable from here?)", file=sys.stderr)
        if os.environ.get("SUPPLY_CHAIN_STRICT") == "1":
            return False
    return not found


def main() -> int:
    bandit_ok = run_bandit()
    audit_ok = run_pip_audit()
    return 0 if bandit_ok and audit_ok else 1


if __name__ == "__main__":
    sys.exit(main())
