"""Tally benchmark: Equal Shares with add1 completion on Łódź 2022, Agora against pabutools.

Łódź 2022 is the largest sample instance (90,494 voters, 160 projects). Each measurement runs in a
fresh Python process: Agora's engine several times (the median wall time is reported, since the
machine may be shared), once more under tracemalloc for the peak of Python allocations, and
pabutools once, bounded by a timeout. The same run checks that the outcomes agree and writes
RESULTS.md beside this file.

What is timed, for Agora: reading the `.pb` file, then `equal_shares`: MES with cost utilities,
add1 completion and greedy completion, exact arithmetic. Both add1 variants are timed — the one
that reproduces Wieliczka's official outcome (`equalshares/add1`, no early stop) and the one
pabutools implements (stopping once an outcome is exhaustive); on Łódź they reach the same
per-voter budget. For pabutools: `parse_pabulib`, then `method_of_equal_shares` with cost
satisfaction and `voter_budget_increment=1`, completed by `greedy_utilitarian_welfare` with cost
satisfaction (greedy by votes), ties broken as Agora breaks them.

    make bench-tally        (or: .venv/bin/python benchmarks/tally/run.py --help)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 2.0
GOAL_MEGABYTES = 300
GOAL_RATIO = 50


def default_file() -> Path:
    """shared/data/pabulib/Poland_Lodz_2022.pb beside the checkout or a folder above it."""
    for base in ROOT.parents:
        candidate = base / "shared" / "data" / "pabulib" / "Poland_Lodz_2022.pb"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "data" / "pabulib" / "Poland_Lodz_2022.pb"


def _peak_rss_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def child_agora(path: str, exhaustive: bool, trace: bool) -> dict:
    """In a fresh process: read the file and run Equal Shares with completion."""
    import tracemalloc

    from app.votes.tally import equal_shares, read_pabulib

    baseline = _peak_rss_megabytes()
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    election = read_pabulib(path)
    read = time.perf_counter() - started
    outcome = equal_shares(election, stop_when_exhaustive=exhaustive)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return {"read": read, "tally": total - read, "total": total, "cpu": cpu,
            "rss_baseline": baseline,
            "rss_peak": _peak_rss_megabytes(), "traced_peak": traced,
            "selected": sorted(outcome.selected), "mes_selected": sorted(
                outcome.details["mes_selected"]), "total_cost": str(outcome.total_cost),
            "per_voter_budget": str(outcome.details["per_voter_budget"]),
            "runs": outcome.details["runs"]}


def child_pabutools(path: str) -> dict:
    """In a fresh process: the same rule computed by pabutools."""
    import pabutools
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    from app.votes.tally.election import natural_key

    baseline = _peak_rss_megabytes()
    started, cpu = time.perf_counter(), time.process_time()
    instance, profile = parse_pabulib(path)
    read = time.perf_counter() - started
    votes = {project.name: profile.approval_score(project) for project in instance}
    ties = TieBreakingRule(lambda inst, prof, project: (
        project.cost, -votes[project.name], natural_key(project.name)))
    mes = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=ties,
                                 voter_budget_increment=1)
    final = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                       tie_breaking=ties, initial_budget_allocation=mes)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {"read": read, "tally": total - read, "total": total, "cpu": cpu,
            "rss_baseline": baseline,
            "rss_peak": _peak_rss_megabytes(), "selected": sorted(p.name for p in final),
            "mes_selected": sorted(p.name for p in mes),
            "total_cost": str(sum(p.cost for p in final)), "version": pabutools.__version__}


def spawn(args: list[str], timeout: float | None = None) -> dict | None:
    """Run this script as a child; its last stdout line is the JSON result (None on timeout)."""
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter and our own script
            [sys.executable, str(Path(__file__).resolve()), *args], capture_output=True,
            text=True, timeout=timeout, check=True, cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=default_file(), help="a .pb file")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of Agora's engine")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds pabutools may take before it is stopped")
    parser.add_argument("--skip-pabutools", action="store_true")
    parser.add_argument("--child", choices=["agora", "agora-exhaustive", "agora-traced",
                                            "pabutools"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = str(args.file)

    if args.child:
        if args.child == "pabutools":
            result = child_pabutools(path)
        else:
            result = child_agora(path, exhaustive=args.child == "agora-exhaustive",
                                 trace=args.child == "agora-traced")
        print(json.dumps(result))
        return

    if not args.file.exists():
        sys.exit(f"{path} not found (pass --file)")
    args.load = os.getloadavg()[0]
    print(f"Agora's engine, {args.repeat} runs of each variant ...", flush=True)
    official = [spawn(["--file", path, "--child", "agora"]) for _ in range(args.repeat)]
    early = [spawn(["--file", path, "--child", "agora-exhaustive"]) for _ in range(args.repeat)]
    traced = spawn(["--file", path, "--child", "agora-traced"])
    reference = None
    if not args.skip_pabutools:
        print(f"pabutools (stopped after {args.timeout:.0f} s) ...", flush=True)
        reference = spawn(["--file", path, "--child", "pabutools"], timeout=args.timeout)
    write_results(args, official, early, traced, reference)


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def write_results(args, official: list[dict], early: list[dict], traced: dict,
                  reference: dict | None) -> None:
    first = official[0]
    lines = [
        "# Tally benchmark — last results",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        f"file `{args.file.name}` (90,494 voters, 160 projects in Łódź 2022). Load average "
        f"when the run began: {args.load:.1f} (other work on the machine stretches wall times; "
        "CPU time is less affected).",
        "",
        "Rule: Method of Equal Shares with cost utilities, add1 completion, then greedy "
        "completion; exact arithmetic. Wall time from reading the file to the outcome, in a "
        f"fresh process; Agora's figures are the median of {args.repeat} runs.",
        "",
        "| implementation | read file (s) | tally (s) | total (s) | CPU time (s) "
        "| peak memory (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for label, runs in (("Agora, `equalshares/add1` (no early stop)", official),
                        ("Agora, add1 stopping when exhaustive (pabutools' variant)", early)):
        lines.append(f"| {label} | {_median(runs, 'read'):.2f} | {_median(runs, 'tally'):.2f} "
                     f"| {_median(runs, 'total'):.2f} | {_median(runs, 'cpu'):.2f} "
                     f"| {max(r['rss_peak'] for r in runs):.0f} process peak |")
    if reference is None and not args.skip_pabutools:
        lines.append(f"| pabutools | — | — | stopped after {args.timeout:.0f} s | — | — |")
    elif reference is not None:
        lines.append(f"| pabutools {reference['version']} | {reference['read']:.2f} | "
                     f"{reference['tally']:.2f} | {reference['total']:.2f} | "
                     f"{reference['cpu']:.2f} | {reference['rss_peak']:.0f} process peak |")
    total = _median(official, "total")
    peak = max(run["rss_peak"] for run in official)
    lines += [
        "",
        f"Agora's Python allocations peak at {traced['traced_peak']:.0f} MB (tracemalloc); the "
        f"process, interpreter and Flask included, peaks at {peak:.0f} MB "
        f"({first['rss_baseline']:.0f} MB after the imports). The per-voter budget reached is "
        f"{float(Fraction(first['per_voter_budget'])):.2f} PLN after {first['runs']} runs "
        f"of MES; outcome: {len(first['selected'])} projects for {first['total_cost']} PLN.",
        "",
        "Goals (QUALITY.md):",
        "",
        f"- under {GOAL_SECONDS:.0f} s: {total:.2f} s — "
        f"{'met' if total < GOAL_SECONDS else 'NOT met'};",
        f"- under {GOAL_MEGABYTES} MB: {peak:.0f} MB — "
        f"{'met' if peak < GOAL_MEGABYTES else 'NOT met'};",
    ]
    if reference is not None:
        early_total = _median(early, "total")
        ratio = reference["total"] / early_total
        same = (reference["selected"] == early[0]["selected"]
                and reference["mes_selected"] == early[0]["mes_selected"])
        lines += [
            f"- at least {GOAL_RATIO}x faster than pabutools on the same rule: "
            f"{ratio:.0f}x ({reference['total']:.1f} s against {early_total:.2f} s; tally "
            f"alone {reference['tally'] / _median(early, 'tally'):.0f}x) — "
            f"{'met' if ratio >= GOAL_RATIO else 'NOT met'};",
            f"- same winners: {'yes' if same else 'NO'} — pabutools funds "
            f"{len(reference['selected'])} projects for {reference['total_cost']} PLN "
            f"({len(reference['mes_selected'])} by Equal Shares before the greedy completion).",
        ]
        agree = first["selected"] == early[0]["selected"]
        lines.append(f"- the two add1 variants {'agree' if agree else 'DIFFER'} on Łódź.")
    elif not args.skip_pabutools:
        lines.append(f"- pabutools did not finish within {args.timeout:.0f} s.")
    lines += ["", "Command: `make bench-tally`", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
