"""Health checks for the load balancer and the service manager.

`/healthz` says the process answers; `/readyz` says it can serve: the database answers and its
schema is at the newest migration. Neither names the database, the error or the revision: the
answers are public.
"""

from __future__ import annotations

import functools

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from config import BASE_DIR


@functools.cache
def migration_heads() -> frozenset[str]:
    """The newest revision(s) in migrations/, read once per process."""
    return frozenset(ScriptDirectory(str(BASE_DIR / "migrations")).get_heads())


def database_ready() -> bool:
    """True when the database answers and records the newest migration."""
    try:
        applied = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        db.session.rollback()
        return False
    finally:
        db.session.close()
    return frozenset(applied) == migration_heads()
