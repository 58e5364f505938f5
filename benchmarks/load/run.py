"""Load benchmark: the last day of a city-wide vote, against gunicorn and PostgreSQL.

Seeds the page benchmark's data set (10,000 proposals, 100,000 comments, 50,000 supports, 2,000
residents), adds a participatory budget in its voting phase with every resident verified on the
census, then serves Agora with gunicorn (gunicorn.conf.py) and sends an open-loop mix of
requests at fixed rates for a bounded time, all on 127.0.0.1:

- visitors browsing the proposal list (filters, search, sorts, pages) and proposal pages;
- signed-in residents reading proposal pages and posting comments (after the 3 s a person
  needs to fill the form, which the anti-spam check requires);
- residents casting a budget ballot: opening it, casting, reading the receipt.

The rates model ten times Warsaw's busiest voting hour (see RESULTS.md for the assumption).
Open loop: requests start on schedule whether or not earlier ones have finished, so a slow
server shows up as latency, not as a politely lower rate. Results go to RESULTS.md.

    make bench-load        (or: .venv/bin/python benchmarks/load/run.py --help)
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.pages.run import seed  # noqa: E402

PORT = 8111
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
STARTED = re.compile(r'name="form_started"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*'
                     r'name="form_started"')
RECEIPT = re.compile(r'<code id="receipt-code">([A-Z2-7-]+)</code>')
SEARCH_WORDS = ["zielen", "energia", "spółdzielnia", "remont", "opieka", "szkoła", "park"]
PROJECTS_ON_BALLOT = 60


def seed_vote(database_url: str) -> int:
    """A budget vote open today with 60 city-wide projects; every resident is verified."""
    from sqlalchemy import insert, select

    from app import create_app
    from app.accounts.models import CensusEntry, User
    from app.consultations.models import Consultation
    from app.extensions import db
    from app.proposals.models import Proposal, Sector
    from app.text import fold, render_markdown
    from app.votes.models import VotingMethod, VotingSettings
    from config import Config
    from config import database_url as driver_url

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=driver_url(database_url))
    rng = random.Random(3)  # noqa: S311 - benchmark data
    with app.app_context():
        today = datetime.now(UTC).date()
        consultation = Consultation(
            title="Budżet obywatelski (test obciążenia)", summary="Głosowanie", description="",
            support_threshold=10, proposals_from=today - timedelta(days=60),
            review_from=today - timedelta(days=40), deliberation_from=today - timedelta(days=20),
            voting_from=today - timedelta(days=13), results_from=today + timedelta(days=1))
        db.session.add(consultation)
        db.session.flush()
        first = db.session.scalar(select(db.func.max(Proposal.id))) + 1
        now = datetime.now(UTC)
        db.session.execute(insert(Proposal), [{
            "id": first + n, "consultation_id": consultation.id, "author_id": n + 1,
            "title": f"Projekt do głosowania {n}", "body_markdown": "Opis projektu.",
            "body_html": str(render_markdown("Opis projektu.")),
            "sector": rng.choice(list(Sector)).value, "district_id": None,
            "estimated_cost": Decimal(rng.randint(50, 900) * 1000), "expected_jobs": 2,
            "status": "accepted", "search_text": fold(f"Projekt do głosowania {n}"),
            "support_count": 0, "comment_count": 0, "created_at": now, "updated_at": now}
            for n in range(PROJECTS_ON_BALLOT)])
        db.session.add(VotingSettings(
            consultation_id=consultation.id, method=VotingMethod.BUDGET,
            city_budget=Decimal(5_000_000), min_picks=1, max_picks=5, tally_rule="greedy",
            verification_required=True, minimum_age=None))
        users = list(db.session.scalars(select(User.id).order_by(User.id)))
        db.session.execute(insert(CensusEntry), [
            {"pesel_hash": secrets.token_hex(32), "district_id": 1 + user % 12,
             "birth_year": 1950 + user % 50, "imported_at": now, "user_id": user,
             "verified_at": now, "method": "in_person"} for user in users])
        db.session.commit()
        db.engine.dispose()
        return consultation.id


def signed_in_cookies(database_url: str, secret_key: str) -> tuple[str, list[str]]:
    """A session cookie for every resident, as signing in would have set it."""
    from flask import session
    from flask_login import login_user
    from sqlalchemy import select

    from app import create_app
    from app.accounts.models import User
    from app.accounts.services import start_login_session
    from app.extensions import db
    from config import Config
    from config import database_url as driver_url

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=driver_url(database_url),
                     SECRET_KEY=secret_key)
    serializer = app.session_interface.get_signing_serializer(app)
    cookies = []
    with app.app_context():
        for user in db.session.scalars(select(User).order_by(User.id)):
            with app.test_request_context():
                start_login_session(user)
                login_user(user)
                cookies.append(serializer.dumps(dict(session)))
        db.engine.dispose()
    return app.config["SESSION_COOKIE_NAME"], cookies


class Browser:
    """One person's browser: a cookie kept up to date, one connection per request."""

    def __init__(self, cookie_name: str | None = None, cookie: str | None = None) -> None:
        self.name, self.cookie = cookie_name, cookie

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Cookie": f"{self.name}={self.cookie}"} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if self.name and header.lower() == "set-cookie" \
                        and value.startswith(self.name + "="):
                    self.cookie = value.split(";", 1)[0].split("=", 1)[1]
            return response.status, text
        finally:
            connection.close()


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.failures: dict[str, list[str]] = {}

    def timed(self, kind: str, browser: Browser, method: str, path: str,
              form: dict | None = None, ok=(200, 303)) -> tuple[int, str]:
        start = time.perf_counter()
        try:
            status, text = browser.request(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            with self.lock:
                self.failures.setdefault(kind, []).append(type(error).__name__)
            return 0, ""
        elapsed = time.perf_counter() - start
        with self.lock:
            self.samples.setdefault(kind, []).append(elapsed)
            if status not in ok:
                self.failures.setdefault(kind, []).append(str(status))
        return status, text


def run_load(args, consultation_id: int, cookie_name: str, cookies: list[str],
             proposals: int) -> tuple[Recorder, dict]:
    rng = random.Random(4)  # noqa: S311 - load schedule
    recorder = Recorder()
    voters = list(range(len(cookies)))
    rng.shuffle(voters)
    voter_lock = threading.Lock()
    ballot_ids = []

    def next_person() -> Browser:
        with voter_lock:
            return Browser(cookie_name, cookies[voters.pop()])

    def browse_list() -> None:
        query = rng.choice([
            {}, {"sort": "supported"}, {"sort": "discussed"}, {"page": rng.randint(2, 40)},
            {"sector": rng.choice(["energy", "food", "care", "repair"])},
            {"district": rng.randint(1, 12)}, {"q": rng.choice(SEARCH_WORDS)},
            {"goal": rng.randint(1, 6), "sort": "newest"}])
        recorder.timed("page: proposal list (visitor)", Browser(), "GET",
                       "/proposals" + ("?" + urlencode(query) if query else ""))

    def read_proposal() -> None:
        recorder.timed("page: proposal (visitor)", Browser(), "GET",
                       f"/proposals/{rng.randint(1, proposals)}")

    def read_signed_in() -> None:
        browser = Browser(cookie_name, cookies[rng.randrange(len(cookies))])
        recorder.timed("page: proposal (signed in)", browser, "GET",
                       f"/proposals/{rng.randint(1, proposals)}")

    def comment() -> None:
        browser = next_person()
        proposal = rng.randint(1, proposals)
        status, page = recorder.timed("page: proposal (signed in)", browser, "GET",
                                      f"/proposals/{proposal}")
        token, started = CSRF.search(page), STARTED.search(page)
        if status != 200 or not token or not started:
            return
        time.sleep(3.2)  # a person writing; the form refuses faster senders
        recorder.timed("post: comment", browser, "POST", f"/proposals/{proposal}/comments", {
            "csrf_token": token.group(1) or token.group(2),
            "form_started": started.group(1) or started.group(2), "website": "",
            "body": "Popieram, to dobry projekt dla naszej dzielnicy.", "stance": "for"})

    def cast() -> None:
        browser = next_person()
        status, page = recorder.timed("page: ballot", browser, "GET",
                                      f"/consultations/{consultation_id}/vote")
        token = CSRF.search(page)
        if status != 200 or not token:
            return
        picks = [str(ballot_ids[i]) for i in rng.sample(range(len(ballot_ids)), 3)]
        status, _ = recorder.timed("cast: ballot", browser, "POST",
                                   f"/consultations/{consultation_id}/vote/cast",
                                   {"csrf_token": token.group(1) or token.group(2),
                                    "proposal": picks}, ok=(303,))
        if status == 303:
            status, page = recorder.timed("page: receipt", browser, "GET",
                                          f"/consultations/{consultation_id}/vote/receipt")
            if status == 200 and not RECEIPT.search(page):
                with recorder.lock:
                    recorder.failures.setdefault("page: receipt", []).append("no code")

    first_ballot = proposals + 1
    ballot_ids.extend(range(first_ballot, first_ballot + PROJECTS_ON_BALLOT))
    pages = args.casts_per_second * args.pages_per_cast
    mix = [(cast, args.casts_per_second), (browse_list, pages * 0.35),
           (read_proposal, pages * 0.35), (read_signed_in, pages * 0.25),
           (comment, pages * 0.05)]
    total_rate = sum(rate for _, rate in mix)
    weights = [rate / total_rate for _, rate in mix]

    started = time.perf_counter()
    scheduled = 0
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        next_at = started
        while next_at - started < args.seconds:
            next_at += rng.expovariate(total_rate)
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            task = rng.choices([task for task, _ in mix], weights)[0]
            pool.submit(task)
            scheduled += 1
    elapsed = time.perf_counter() - started
    return recorder, {"scheduled": scheduled, "elapsed": elapsed, "offered_rps": total_rate}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


def serve(database_url: str, secret_key: str, workers: int) -> subprocess.Popen:
    env = {**os.environ, "AGORA_ENV": "production", "SECRET_KEY": secret_key,
           "PESEL_HMAC_KEY": secrets.token_urlsafe(48), "DATABASE_URL": database_url,
           "SESSION_COOKIE_SECURE": "false", "AGORA_BIND": f"127.0.0.1:{PORT}",
           "WEB_CONCURRENCY": str(workers), "LOG_LEVEL": "WARNING",
           "MAIL_OUTBOX_DIR": "/tmp/agora-bench-outbox"}  # noqa: S108 - throwaway mail
    process = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(150):
        try:
            status, _ = Browser().request("GET", "/readyz")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/agora_bench"))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--casts-per-second", type=float, default=5.6,
                        help="ten times the assumed busiest hour (20,000 casts per hour)")
    parser.add_argument("--pages-per-cast", type=float, default=10)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()

    proposals = 10_000
    if not args.skip_seed:
        print("seeding ...", flush=True)
        seed(args.database_url, proposals, 100_000, 50_000)
    consultation_id = seed_vote(args.database_url)
    secret_key = secrets.token_urlsafe(48)
    cookie_name, cookies = signed_in_cookies(args.database_url, secret_key)
    needed = int(args.seconds * (args.casts_per_second + args.casts_per_second
                                 * args.pages_per_cast * 0.05) * 1.3) + 50
    if needed > len(cookies):
        raise SystemExit(f"{len(cookies)} residents are too few for {needed} voters")
    server = serve(args.database_url, secret_key, args.workers)
    try:
        print(f"load for {args.seconds:.0f} s ...", flush=True)
        recorder, totals = run_load(args, consultation_id, cookie_name, cookies, proposals)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    load = os.getloadavg()[0]
    write_results(args, recorder, totals, load)


def write_results(args, recorder: Recorder, totals: dict, load: float) -> None:
    rows = []
    server_errors = 0
    for kind in sorted(set(recorder.samples) | set(recorder.failures)):
        samples = recorder.samples.get(kind, [])
        failures = recorder.failures.get(kind, [])
        server_errors += sum(1 for f in failures if f.startswith("5"))
        rows.append(f"| {kind} | {len(samples)} | {len(samples) / totals['elapsed']:.1f} | "
                    f"{percentile(samples, .5):.0f} | {percentile(samples, .95):.0f} | "
                    f"{percentile(samples, .99):.0f} | {len(failures)} |")
        print(rows[-1], sorted(set(failures))[:5], flush=True)
    pages = [v for k, s in recorder.samples.items() if k.startswith("page") for v in s]
    casts = recorder.samples.get("cast: ballot", [])
    pages_verdict = "met" if percentile(pages, .95) < 500 else "NOT met"
    casts_verdict = "met" if percentile(casts, .95) < 1000 else "NOT met"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"""# Load benchmark — last results

Run on {when}, {platform.platform()}, {os.cpu_count()} cores, load generator and server on the
same machine (load average {load:.1f} when it ended); PostgreSQL with 10,000 proposals, 100,000
comments, 50,000 supports and 2,000 verified residents; gunicorn (gunicorn.conf.py) with
{args.workers} sync workers; open-loop arrivals for {args.seconds:.0f} s.

**The rate.** Warsaw's participatory budget draws on the order of 100,000 voters over a vote
of about two weeks (one district of the sample data, Praga-Południe 2020, had 14,897). We
assume the busiest hour carries 2% of all votes, 2,000 casts; ten times that is 20,000 casts
per hour, {args.casts_per_second:g} per second, with {args.pages_per_cast:g} page views per
cast: {totals['offered_rps']:.0f} requests per second offered in all (a cast is three requests:
the ballot, the cast, the receipt).

| request | count | per second | p50 ms | p95 ms | p99 ms | errors |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

All pages together: p95 {percentile(pages, .95):.0f} ms (goal under 500: {pages_verdict});
casting: p95 {percentile(casts, .95):.0f} ms (goal under 1,000: {casts_verdict});
server errors (5xx): {server_errors} (goal 0).

Command: `make bench-load` (`BENCH_ARGS="--seconds 60"`; seeding takes about a minute).
"""
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
