"""Settings and user administration."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import func, or_, select

from app.accounts.models import Role, User
from app.admin.models import SiteSetting
from app.extensions import db
from app.moderation.audit import record

PER_PAGE = 25


def all_settings() -> dict[str, Any]:
    """Every setting, read once per request."""
    if "site_settings" not in g:
        g.site_settings = {s.key: s.value for s in db.session.scalars(select(SiteSetting))}
    return g.site_settings


def get_setting(key: str, default: Any = None) -> Any:
    """One setting's value, or the default."""
    return all_settings().get(key, default)


def set_setting(key: str, value: Any) -> None:
    """Store a setting (the caller commits)."""
    setting = db.session.get(SiteSetting, key)
    if setting is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        setting.value = value
    g.pop("site_settings", None)


def change_setting(key: str, value: Any, actor: User | None) -> None:
    """Change a setting and write the change to the audit log (the caller commits).

    The value is public in the log: settings hold no personal data. Setting the value a
    setting already has changes nothing and records nothing.
    """
    setting = db.session.get(SiteSetting, key)
    if setting is not None and setting.value == value:
        return
    set_setting(key, value)
    record(actor, "settings.change", "setting", None, details={"key": key, "value": value})


def save_settings(values: dict[str, Any], actor: User | None) -> None:
    """Store several settings at once, each change in the audit log, and commit."""
    for key, value in values.items():
        change_setting(key, value, actor)
    db.session.commit()


def site_context() -> dict[str, Any]:
    """Template globals: the city's name and whether this is sample data."""
    return {
        "city_name": get_setting("city_name"),
        "is_demo": bool(get_setting("demo", False)),
        "Role": Role,
    }


def users_page(page: int, search: str = "", role: str = ""):
    """A page of accounts for the administrators, filtered by text and role."""
    query = select(User).where(User.deleted_at.is_(None))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.email).like(pattern),
                                func.lower(User.display_name).like(pattern)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    query = query.order_by(User.created_at.desc(), User.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
