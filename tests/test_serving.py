"""The production gunicorn settings serve the app, reload gracefully and stop cleanly."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_up(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def production_env(tmp_path):
    database = f"sqlite:///{tmp_path / 'served.db'}"
    env = {**os.environ, "AGORA_ENV": "production", "DATABASE_URL": database,
           "SECRET_KEY": secrets.token_urlsafe(48),
           "PESEL_HMAC_KEY": secrets.token_urlsafe(48),
           "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "FLASK_APP": "wsgi"}
    upgrade = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env,  # noqa: S603
                             capture_output=True, text=True, timeout=120, check=False)
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]
    return env


def test_gunicorn_config_serves_reloads_and_stops(production_env, tmp_path):
    port = free_port()
    env = {**production_env, "AGORA_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until_up(port, process, log)
        assert get(port, "/readyz") == (200, b'{"status":"ready"}\n')
        status, body = get(port, "/")
        assert status == 200 and b"<html" in body

        process.send_signal(signal.SIGHUP)  # graceful reload: new workers, same master
        time.sleep(1)
        wait_until_up(port, process, log)
        assert process.poll() is None
        assert log.read_text().count("Booting worker") >= 4  # two, then two new ones
        assert get(port, "/healthz")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0


def test_the_settings_come_from_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("AGORA_BIND", "127.0.0.1:9999")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == 3
    assert settings["bind"] == "127.0.0.1:9999"
    assert settings["timeout"] > 0 and settings["graceful_timeout"] > 0
    assert settings["preload_app"] is False
