"""Page benchmark: Agora's proposal list and proposal page against a bare Flask page.

Seeds PostgreSQL with 10,000 proposals, 100,000 comments and 50,000 supports, serves Agora with
gunicorn, serves a bare Flask app rendering a template of the same size with the same gunicorn
settings, and measures requests per second and latency for each, one after another, in the same
run. Results go to RESULTS.md beside this file.

    make bench-pages        (or: .venv/bin/python benchmarks/pages/run.py --help)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
#: The first seeded resident (bench0@example.org) signs in with this, for the signed-in rows.
BENCH_PASSWORD = "bench-resident-password"  # noqa: S105 - a throwaway benchmark account
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))


def create_database(url: str) -> None:
    """Create the benchmark's database when it does not exist yet (through the server's
    `postgres` maintenance database)."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": target.database}):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def seed(database_url: str, proposals: int, comments: int, supports: int) -> None:
    """Rebuild the schema and bulk-insert the data set."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, insert, text

    from app import create_app
    from app.accounts.models import User
    from app.consultations.models import Consultation, District, StrategyGoal
    from app.discussion.models import Comment
    from app.extensions import db
    from app.proposals.models import Proposal, ProposalGoal, Sector
    from app.supports.models import Support
    from app.text import fold, render_markdown
    from config import Config
    from config import database_url as driver_url

    url = driver_url(database_url)
    create_database(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url)
    rng = random.Random(1)  # noqa: S311 - benchmark data
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        now = datetime.now(UTC)
        today = now.date()
        from datetime import timedelta

        users_count = 2000
        db.session.execute(insert(User), [
            {"email": f"bench{i}@example.org", "display_name": f"Mieszkaniec {i}",
             "password_hash": "x", "role": "resident", "created_at": now,
             "email_confirmed_at": now, "privacy_consent_at": now}
            for i in range(users_count)])
        db.session.execute(insert(District), [{"name": f"Dzielnica {i}"} for i in range(12)])
        db.session.execute(insert(StrategyGoal), [
            {"code": str(i), "title": f"Cel {i}", "description": ""} for i in range(1, 7)])
        db.session.add(Consultation(
            title="Benchmark", summary="Benchmark", description="", support_threshold=10,
            proposals_from=today - timedelta(days=5), review_from=today + timedelta(days=20),
            deliberation_from=today + timedelta(days=30), voting_from=today + timedelta(days=40),
            results_from=today + timedelta(days=50)))
        db.session.commit()
        sectors = list(Sector)
        words = [
            "zieleń", "energia", "spółdzielnia", "remont", "opieka", "żywność", "naprawa", "szkoła",
            "park", "pompa", "ciepła", "dach", "osiedle", "praca", "kobiety", "seniorzy",
            "dzieci",
        ]
        batch = []
        for number in range(1, proposals + 1):
            title = f"Projekt {number}: " + " ".join(rng.sample(words, 4))
            body = " ".join(rng.choices(words, k=120))
            batch.append({
                "id": number, "consultation_id": 1, "author_id": rng.randint(1, users_count),
                "title": title, "body_markdown": body, "body_html": str(render_markdown(body)),
                "sector": rng.choice(sectors).value, "district_id": rng.randint(1, 12),
                "estimated_cost": Decimal(rng.randint(10_000, 3_000_000)),
                "expected_jobs": rng.randint(0, 20), "status": "submitted",
                "search_text": fold(f"{title} {body}"), "support_count": 0,
                "comment_count": 0, "created_at": now - timedelta(minutes=number),
                "updated_at": now})
            if len(batch) == 1000:
                db.session.execute(insert(Proposal), batch)
                batch = []
        if batch:
            db.session.execute(insert(Proposal), batch)
        db.session.execute(insert(ProposalGoal), [
            {"proposal_id": n, "goal_id": rng.randint(1, 6)} for n in range(1, proposals + 1)])
        pairs = set()
        while len(pairs) < supports:
            pairs.add((rng.randint(1, proposals), rng.randint(1, users_count)))
        pairs = sorted(pairs)
        for start in range(0, len(pairs), 5000):
            db.session.execute(insert(Support), [
                {"proposal_id": p, "user_id": u, "created_at": now}
                for p, u in pairs[start:start + 5000]])
        rows = []
        for number in range(1, comments + 1):
            rows.append({"proposal_id": rng.randint(1, proposals),
                         "author_id": rng.randint(1, users_count), "depth": 0,
                         "stance": rng.choice(["for", "against", "neutral"]),
                         "body": " ".join(rng.choices(words, k=25)), "upvote_count": 0,
                         # Over the last 30 days, as a real discussion: crowded into one
                         # day they would put residents over the daily comment limit.
                         "created_at": now - timedelta(seconds=26 * number)})
            if len(rows) == 5000:
                db.session.execute(insert(Comment), rows)
                rows = []
        if rows:
            db.session.execute(insert(Comment), rows)
        db.session.execute(text(
            "UPDATE proposals SET support_count = s.n FROM (SELECT proposal_id, count(*) n "
            "FROM supports GROUP BY proposal_id) s WHERE s.proposal_id = proposals.id"))
        db.session.execute(text(
            "UPDATE proposals SET comment_count = c.n FROM (SELECT proposal_id, count(*) n "
            "FROM comments GROUP BY proposal_id) c WHERE c.proposal_id = proposals.id"))
        from app.accounts.services import hash_password

        db.session.get(User, 1).password_hash = hash_password(BENCH_PASSWORD)
        db.session.commit()
        db.engine.dispose()
    # As autovacuum would, soon after a bulk load: fresh statistics and visibility maps.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def serve(target: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", target]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start on port {port}")


def fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} -> {response.status}")
    return body


def sign_in(port: int, email: str, password: str) -> str:
    """Log in through the form, as a browser does; the session cookie ("name=value")."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/account/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urlencode({"email": email, "password": password, "csrf_token": token})
    connection.request("POST", "/account/login", body=form, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    if response.status != 303:
        raise RuntimeError(f"sign-in failed: {response.status}")
    return response.getheader("Set-Cookie", "").split(";")[0]


def measure(port: int, paths: list[str], seconds: float, concurrency: int,
            headers: dict | None = None) -> dict:
    """Closed-loop load: `concurrency` keep-alive clients for `seconds`; rps and latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed, index = [], 0, offset
        while time.perf_counter() < stop:
            path = paths[index % len(paths)]
            index += 1
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / elapsed,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        default=os.environ.get("BENCH_DATABASE_URL",
                                               "postgresql://postgres@127.0.0.1:5432/agora_bench"))
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--supports", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()

    if not args.skip_seed:
        print(f"seeding {args.proposals} proposals, {args.comments} comments, "
              f"{args.supports} supports ...", flush=True)
        started = time.perf_counter()
        seed(args.database_url, args.proposals, args.comments, args.supports)
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)

    env = {**os.environ, "AGORA_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
           "PESEL_HMAC_KEY": secrets.token_urlsafe(48),
           "DATABASE_URL": args.database_url, "SESSION_COOKIE_SECURE": "false"}
    agora = serve("wsgi:app", 8101, args.workers, env)
    bare = None
    try:
        rng = random.Random(2)  # noqa: S311
        proposal_paths = [f"/proposals/{rng.randint(1, args.proposals)}" for _ in range(200)]
        list_paths = ["/proposals", "/proposals?sort=supported", "/proposals?page=7",
                      "/proposals?sector=energy&sort=discussed"]
        sample_list = fetch(8101, "/proposals")
        sample_page = fetch(8101, proposal_paths[0])
        template = HERE / "bare.html"
        # The yardstick renders a template as large as Agora's average page.
        size = (len(sample_list) + len(sample_page)) // 2
        filler = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing. " * 4 + "</p>\n"
        template.write_text("<!doctype html><html lang=pl><body>{{ n }}\n"
                            + filler * (size // len(filler) + 1) + "</body></html>",
                            encoding="utf-8")
        bare = serve("benchmarks.pages.bare_app:app", 8102, args.workers,
                     {**os.environ, "BARE_TEMPLATE": str(template)})
        signed_in = {"Cookie": sign_in(8101, "bench0@example.org", BENCH_PASSWORD)}
        results = {}
        for name, port, paths, headers in [
                ("bare Flask page", 8102, ["/"], None),
                ("proposal list, visitor", 8101, list_paths, None),
                ("proposal page, visitor", 8101, proposal_paths, None),
                ("proposal list, signed-in resident", 8101, list_paths, signed_in),
                ("proposal page, signed-in resident", 8101, proposal_paths, signed_in)]:
            measure(port, paths, 2, args.concurrency, headers)  # warm up
            results[name] = measure(port, paths, args.seconds, args.concurrency, headers)
            print(name, json.dumps({k: round(v, 1) for k, v in results[name].items()}),
                  flush=True)
    finally:
        for process in (agora, bare):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
        (HERE / "bare.html").unlink(missing_ok=True)
    write_results(args, results, len(sample_list), len(sample_page))


def write_results(args, results: dict, list_bytes: int, page_bytes: int) -> None:
    bare = results["bare Flask page"]["rps"]
    lines = [
        "# Page benchmark — last results",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} cores; PostgreSQL with {args.proposals:,} proposals, "
        f"{args.comments:,} comments, {args.supports:,} supports; gunicorn with "
        f"{args.workers} sync workers; {args.concurrency} keep-alive clients for "
        f"{args.seconds:.0f} s per page, on the same machine (load average "
        f"{os.getloadavg()[0]:.1f} when it ended: other work on the machine slows both sides).",
        "",
        f"Page sizes: proposal list {list_bytes:,} bytes, proposal page {page_bytes:,} bytes; "
        "the bare page renders a template of their average size.",
        "",
        "Visitors who are not signed in are served from the page store (app/page_cache.py) "
        "after a page's first visit, until content changes: the list rows cycle over 4 list "
        "URLs, the page rows over 200 random proposals. A signed-in resident's pages are "
        "rendered on every request (their own supports, follows and header), so those rows "
        "measure the full work: queries and templates.",
        "",
        "| page | requests/s | ratio to bare Flask | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        lines.append(f"| {name} | {result['rps']:.0f} | {result['rps'] / bare:.2f} | "
                     f"{result['p50_ms']:.1f} | {result['p95_ms']:.1f} | "
                     f"{result['p99_ms']:.1f} | {result['errors']} |")
    lines += ["", "Goal (QUALITY.md): each Agora page at least 0.50 of the bare page's "
              "throughput.", "", "Command: `make bench-pages`", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
