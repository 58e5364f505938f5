"""Settings and user administration."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import func, or_, select

from app.accounts.models import Role, User
from app.admin.models import SiteSetting
from app.extensions import db

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


def save_settings(values: dict[str, Any]) -> None:
    """Store several settings at once."""
    for key, value in values.items():
        set_setting(key, value)
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
