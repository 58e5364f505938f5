"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (names below); the defaults suit one app
server behind a reverse proxy on the same machine.
"""

from __future__ import annotations

import multiprocessing
import os

# Listen only on the loopback interface: the reverse proxy is the one door in.
bind = os.environ.get("AGORA_BIND", "127.0.0.1:8000")

# Sync workers: each request holds one worker; two per core plus one keeps the CPU busy
# while others wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request taking longer than this is killed and its worker replaced (the database rolls
# back what it had not committed). Casting a ballot takes milliseconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On restart (SIGHUP) or stop (SIGTERM), workers finish the requests they hold for this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Replace each worker after this many requests (with jitter, so they do not all restart at
# once): bounds the memory a long-running worker can gather.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# The app reads X-Forwarded-* through ProxyFix (PROXY_COUNT); gunicorn itself trusts only the
# local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app writes its own request log lines; gunicorn's error log goes to stderr (journald).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Each worker imports the app itself, so no database connection is shared across a fork.
preload_app = False
