"""Structured logs: one JSON object per line, tied to the request that wrote it.

Each line carries the time, level, logger, message, the request id (taken from a well-formed
`X-Request-ID` header set by the proxy, or made here, and sent back in the answer) and the
signed-in user's id where known. Requests are logged by their route pattern
(`/account/reset/<token>`), never by the path or query string, which can hold tokens.

What is never written: passwords, tokens, PESEL numbers, ballot contents. The code does not log
them in the first place; as a second line of defence every message and traceback passes
through `redact()`, and SQL statements' parameters are left out of database errors
(`hide_parameters`, in config.py).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

log = logging.getLogger("agora.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
# Shapes of secrets: an 11-digit number (a PESEL), `password=...`/`token: ...` pairs, and long
# random-looking words (signed tokens, receipt codes, session ids).
_PESEL_SHAPED = re.compile(r"(?<!\d)\d{11}(?!\d)")
_SECRET_PAIR = re.compile(
    r"(?i)\b(password|passwd|token|secret|pesel|receipt|csrf_token|session)"
    r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)")
_LONG_TOKEN = re.compile(r"(?=[A-Za-z_\-.]*\d)(?=[\d_\-.]*[A-Za-z])[A-Za-z0-9_\-.]{32,}")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with anything shaped like a secret replaced by [redacted]."""
    text = _SECRET_PAIR.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _PESEL_SHAPED.sub(REDACTED, text)
    return _LONG_TOKEN.sub(REDACTED, text)


class JsonLines(logging.Formatter):
    """Formats a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in ("request_id", "user_id", "method", "route", "endpoint", "status", "ms"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RequestContext(logging.Filter):
    """Adds the request id and the signed-in user's id to records written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(g, "request_id", None)
            user = g.get("_login_user")  # as loaded by Flask-Login; never loads it here
            if user is not None and getattr(user, "is_authenticated", False):
                record.user_id = user.id
        return True


class TextLines(logging.Formatter):
    """Plain lines for development, redacted like the JSON ones."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_HANDLER_MARK = "_agora_handler"


def configure(app: Flask) -> None:
    """Install one handler on the root logger, in the configured format, and the request hooks."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonLines() if app.config["LOG_FORMAT"] == "json" else TextLines())
    handler.addFilter(RequestContext())
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    logging.getLogger("agora").setLevel(app.config["LOG_LEVEL"])

    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    log.info("%s %s %s", request.method, rule, response.status_code, extra={
        "method": request.method, "route": rule, "endpoint": request.endpoint,
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None})
    return response
