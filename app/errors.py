"""Error pages in the visitor's language."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.api.errors import from_exception, is_api_request, json_error
from app.extensions import db

log = logging.getLogger("agora.errors")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"),
          _l("There is no page at this address. It may have been moved or removed.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    413: (_l("Too much data"), _l("What you sent is too large. Send a smaller file or text.")),
    429: (_l("Too many attempts"),
          _l("You have tried too many times in a short while. Wait a minute and try again.")),
    500: (_l("Something went wrong"),
          _l("An error occurred on our side. Nothing you entered was saved; "
             "please try again in a moment.")),
}


def render_error(code: int, detail: str | None = None):
    """The error page for an HTTP status code (JSON under /api/)."""
    if is_api_request():
        return json_error(code, detail)
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    template = ("errors/_error.html" if request.headers.get("HX-Request") == "true"
                else "errors/error.html")
    return render_template(template, code=code, title=title, message=message,
                           detail=detail), code


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, str(_l("The form expired or was sent from elsewhere. "
                                        "Reload the page and send it again.")))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            db.session.rollback()
        if is_api_request():
            return from_exception(error)
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        db.session.rollback()
        rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
        log.exception("unhandled error on %s %s", request.method, rule)
        return render_error(500)
