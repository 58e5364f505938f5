"""Crash safety: ballots flood gunicorn on PostgreSQL while its workers are killed with SIGKILL.

Afterwards (and after a restart) every ballot whose receipt reached the voter is stored, the
voter roll and the ballots agree in number (per district too), nobody is on the roll twice, and
the audit chain verifies. A killed worker loses only what it had not committed: the roll row and
the ballot are one transaction, and the receipt is shown only after the commit.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import session
from flask_login import login_user
from sqlalchemy import func, select

from app import create_app
from app.accounts.services import start_login_session
from app.consultations.models import Consultation
from app.extensions import db
from app.moderation import audit
from app.votes import services
from app.votes.models import Ballot, VoterRoll
from config import TestConfig
from tests.conftest import ROOT
from tests.votes.helpers import make_vote, verified_voter

BIN = Path(sys.executable).parent
VOTERS = 80
KILL_ROUNDS = 4
CLIENTS = 10
KEY = secrets.token_urlsafe(48)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
RECEIPT = re.compile(r'<code id="receipt-code">([A-Z2-7-]+)</code>')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Voter:
    """One browser: a session cookie, kept up to date from each answer."""

    def __init__(self, port: int, cookie_name: str, cookie: str) -> None:
        self.port, self.name, self.cookie = port, cookie_name, cookie
        self.receipt: str | None = None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": f"{self.name}={self.cookie}"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie" and value.startswith(self.name + "="):
                    self.cookie = value.split(";", 1)[0].split("=", 1)[1]
            return response.status, text
        finally:
            connection.close()

    def vote(self, consultation_id: int, choice: list[str]) -> str:
        """Open the ballot, cast it, read the receipt; what happened, in a word."""
        status, page = self.request("GET", f"/consultations/{consultation_id}/vote")
        match = CSRF.search(page)
        if status != 200 or match is None:
            return "already" if status in (200, 409) else f"ballot {status}"
        token = match.group(1) or match.group(2)
        status, _ = self.request("POST", f"/consultations/{consultation_id}/vote/cast",
                                 {"csrf_token": token, "proposal": choice})
        if status == 409:
            return "already"
        if status != 303:
            return f"cast {status}"
        status, page = self.request("GET", f"/consultations/{consultation_id}/vote/receipt")
        found = RECEIPT.search(page)
        if status == 200 and found:
            self.receipt = found.group(1)
            return "receipt"
        return f"receipt {status}"


def workers_of(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
    return children


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as stderr:
        process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env={**env, "AGORA_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start:\n" + log.read_text()[-3000:])


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def signed_in_cookies(database_url: str, users) -> tuple[str, list[str]]:
    """Session cookies for these users, as the login page would have set them."""
    crafting = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY=KEY)
    serializer = crafting.session_interface.get_signing_serializer(crafting)
    cookies = []
    with crafting.app_context():
        for user in users:
            with crafting.test_request_context():
                person = db.session.merge(user)
                start_login_session(person)
                login_user(person)
                cookies.append(serializer.dumps(dict(session)))
        db.session.remove()
        db.engine.dispose()
    return crafting.config["SESSION_COOKIE_NAME"], cookies


def test_killed_workers_lose_no_acknowledged_ballot(app, database_url, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")
    vote = make_vote()
    voters = [verified_voter(vote.north if i % 2 else vote.south) for i in range(VOTERS)]
    audit.record(None, "vote.close", "consultation", vote.id, reason="a chain to verify")
    db.session.commit()
    choices = {vote.north.id: [str(vote.city[1].id), str(vote.in_north[0].id)],
               vote.south.id: [str(vote.city[2].id), str(vote.in_south[0].id)]}
    districts = [vote.north.id if i % 2 else vote.south.id for i in range(VOTERS)]
    consultation_id = vote.id  # plain values only in the threads, which have no app context
    cookie_name, cookies = signed_in_cookies(database_url, voters)

    port = free_port()
    env = {**os.environ, "AGORA_ENV": "production", "DATABASE_URL": database_url,
           "SECRET_KEY": KEY, "PESEL_HMAC_KEY": secrets.token_urlsafe(48),
           "SESSION_COOKIE_SECURE": "false", "WEB_CONCURRENCY": "3", "LOG_LEVEL": "WARNING",
           "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "GUNICORN_TIMEOUT": "20"}
    log = tmp_path / "gunicorn.log"
    browsers = [Voter(port, cookie_name, cookie) for cookie in cookies]
    outcomes: dict[int, list[str]] = {i: [] for i in range(VOTERS)}
    kills: list[list[int]] = []

    server = start_gunicorn(env, port, log)
    try:
        flooding = threading.Event()
        flooding.set()
        lock = threading.Lock()
        in_flight, done = [0], [0]

        def killer() -> None:
            """Kill every worker while casts are in flight, a few times over."""
            while flooding.is_set() and len(kills) < KILL_ROUNDS:
                if in_flight[0] == 0:
                    time.sleep(0.005)
                    continue
                kills.append([os.kill(pid, signal.SIGKILL) or pid
                              for pid in workers_of(server.pid)])
                # Wait for the new workers to be serving casts again before the next round.
                served = done[0]
                while flooding.is_set() and done[0] < served + CLIENTS:
                    time.sleep(0.01)

        def client(numbers: list[int]) -> None:
            for number in numbers:
                with lock:
                    in_flight[0] += 1
                try:
                    outcome = browsers[number].vote(consultation_id, choices[districts[number]])
                except (OSError, http.client.HTTPException) as error:
                    outcome = type(error).__name__
                finally:
                    with lock:
                        in_flight[0] -= 1
                        done[0] += 1
                outcomes[number].append(outcome)

        kill_thread = threading.Thread(target=killer)
        threads = [threading.Thread(target=client, args=(list(range(k, VOTERS, CLIENTS)),))
                   for k in range(CLIENTS)]
        kill_thread.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        flooding.clear()
        kill_thread.join()
    finally:
        stop(server)

    # Restart; everyone without a receipt tries again, as a person would.
    server = start_gunicorn(env, port, log)
    try:
        for number, browser in enumerate(browsers):
            if browser.receipt is None:
                outcomes[number].append(browser.vote(consultation_id,
                                                     choices[districts[number]]))
    finally:
        stop(server)

    interrupted = [n for n, seen in outcomes.items() if seen[0] != "receipt"]
    print(f"{sum(map(len, kills))} workers killed in {len(kills)} rounds, "
          f"{len(interrupted)} of {VOTERS} casts interrupted")
    assert sum(map(len, kills)) >= KILL_ROUNDS, "workers were not killed: nothing proved"
    assert interrupted, "no cast was interrupted: the test proved nothing"
    receipts = [b.receipt for b in browsers if b.receipt]
    assert len(receipts) > VOTERS // 2, outcomes

    db.session.expire_all()
    stored = set(db.session.scalars(select(Ballot.receipt_hash).where(
        Ballot.consultation_id == vote.id)))
    missing = [code for code in receipts if services.receipt_hash(code) not in stored]
    assert missing == [], "acknowledged ballots lost"
    roll = db.session.scalar(select(func.count()).select_from(VoterRoll).where(
        VoterRoll.consultation_id == vote.id))
    assert roll == len(stored) <= VOTERS
    assert services.roll_check(db.session.get(Consultation, vote.id)).ok
    # After the retry everyone has voted once: a receipt, or "already voted" because the
    # interrupted cast had been committed before the worker died.
    assert all(seen[-1] in ("receipt", "already") for seen in outcomes.values()), outcomes
    assert roll == VOTERS
    assert audit.verify_chain().ok
