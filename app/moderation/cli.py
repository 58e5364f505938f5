"""`flask audit ...`: checks of the audit log for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.moderation.audit import verify_chain

audit_cli = AppGroup("audit", help="Check the tamper-evident audit log.")


@audit_cli.command("verify")
def verify() -> None:
    """Recompute every entry's hash and check the chain; exit 1 at the first broken entry."""
    result = verify_chain()
    if not result.ok:
        raise click.ClickException(str(result))
    click.echo(str(result))
