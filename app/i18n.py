"""Language choice and locale-aware formatting."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_date, format_datetime, format_decimal, format_number
from flask_login import current_user


def select_locale() -> str:
    """The user's saved language, else the one chosen this visit, else Polish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register_filters(app: Flask) -> None:
    """Jinja filters that format per locale: dates, times, numbers, money."""

    @app.template_filter("date")
    def _date(value: datetime | None, fmt: str = "medium") -> str:
        return format_date(value, fmt) if value else ""

    @app.template_filter("datetime")
    def _datetime(value: datetime | None, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("number")
    def _number(value: float | int | None) -> str:
        return format_number(value) if value is not None else ""

    @app.template_filter("decimal")
    def _decimal(value: float | None, fmt: str = "#,##0.00") -> str:
        return format_decimal(value, fmt) if value is not None else ""


def locale_context() -> dict[str, str]:
    """Template global: the language of this page."""
    from flask_babel import get_locale

    return {"current_locale": str(get_locale() or "pl")}
