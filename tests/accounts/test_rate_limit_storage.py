"""Rate-limit counters in Redis hold across processes (as across gunicorn workers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import ROOT

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# Run in a separate interpreter: three failed logins, print the statuses.
WORKER = """
import json, os, sys
sys.path.insert(0, os.environ["AGORA_ROOT"])
from app import create_app
from config import TestConfig
from tests.conftest import AgoraClient
app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["DB_URL"],
                 MAIL_OUTBOX_DIR=os.environ["OUTBOX"], RATELIMIT_STORAGE_URI=os.environ["STORE"],
                 RATELIMIT_KEY_PREFIX=os.environ["PREFIX"])
app.test_client_class = AgoraClient
with app.app_context():
    from app.extensions import db
    from tests.conftest import make_user
    db.create_all()
    if not db.session.execute(db.text("SELECT 1 FROM users")).first():
        make_user(email=os.environ["EMAIL"])
client = app.test_client()
statuses = [client.post("/account/login", data={"email": os.environ["EMAIL"],
            "password": "wrong password!!"}).status_code for _ in range(3)]
with app.app_context():
    from app.extensions import db
    db.engine.dispose()
print(json.dumps(statuses))
"""


def _redis_available() -> bool:
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        with connection:
            return bool(connection.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url():
    if not _redis_available():
        if os.environ.get("REQUIRE_REDIS_TESTS") == "1":
            pytest.fail(f"Redis is required at {REDIS_URL} but not reachable")
        pytest.skip("Redis is not running")
    return REDIS_URL


def _two_workers(store: str, tmp_path) -> list[int]:
    """Two processes sharing a database; each makes three failed logins for one account."""
    prefix = f"agora-test-{uuid.uuid4().hex}"
    database_url = f"sqlite:///{tmp_path / 'workers.db'}"
    env = {**os.environ, "AGORA_ROOT": str(ROOT), "DB_URL": database_url,
           "EMAIL": "worker@example.org",
           "OUTBOX": str(tmp_path), "STORE": store, "PREFIX": prefix}
    statuses: list[int] = []
    try:
        for _ in range(2):
            result = subprocess.run([sys.executable, "-c", WORKER], env=env, cwd=ROOT,  # noqa: S603
                                    capture_output=True, text=True, timeout=60, check=False)
            assert result.returncode == 0, result.stderr[-2000:]
            statuses += json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        if store.startswith("redis"):
            import redis

            with redis.Redis.from_url(store) as connection:
                for key in connection.scan_iter(f"{prefix}*"):
                    connection.delete(key)
    return statuses


def test_redis_counters_are_shared_by_workers(redis_url, tmp_path):
    assert _two_workers(redis_url, tmp_path) == [200] * 5 + [429]


def test_memory_counters_are_per_worker(tmp_path):
    """The contrast that shows why production uses Redis."""
    assert _two_workers("memory://", tmp_path) == [200] * 6
