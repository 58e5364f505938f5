"""Errors under /api/ are JSON, never an HTML page: {"error": {"status": 404, "message": "..."}}."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, HTTPException

MESSAGES = {
    400: _l("The request has a parameter this API does not accept."),
    404: _l("There is nothing at this address in the API."),
    405: _l("The API is read-only: only GET requests are answered."),
    429: _l("Too many requests in a short while. Wait a minute and try again."),
    500: _l("An error occurred on our side. Please try again in a moment."),
}


class BadParameter(BadRequest):
    """A query parameter the API does not accept; the description says which and why."""


def is_api_request() -> bool:
    """Whether the request is for the JSON API."""
    return request.path.startswith("/api/")


def json_error(code: int, message: str | None = None) -> tuple[Response, int]:
    """The JSON body of an error, with its status."""
    text = message or str(MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400]))
    response = jsonify({"error": {"status": code, "message": text}})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response, code


def from_exception(error: HTTPException) -> tuple[Response, int]:
    """An HTTP error as JSON; a bad parameter keeps its own message."""
    code = error.code or 500
    message = error.description if isinstance(error, BadParameter) else None
    return json_error(code, message)
