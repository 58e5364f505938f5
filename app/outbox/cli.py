"""`flask outbox ...`: deliver waiting mail (run by a timer) and look at the queue."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from app.outbox import services

outbox_cli = AppGroup("outbox", help="The outgoing mail queue.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to try.")
def send(limit: int) -> None:
    """Deliver the messages whose time has come; failures wait and are retried later."""
    report = services.send_due(limit)
    click.echo(f"sent {report.sent}, failed {report.failed}, waiting {report.waiting}")


@outbox_cli.command("status")
def status() -> None:
    """How many messages wait, and since when."""
    oldest = services.oldest_waiting()
    since = f", the oldest since {oldest.isoformat(timespec='seconds')}" if oldest else ""
    click.echo(f"{services.waiting_count()} waiting{since}")


@outbox_cli.command("purge")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1),
              help="Delete delivered messages older than this.")
def purge(days: int) -> None:
    """Delete old delivered messages (they hold addresses and links)."""
    click.echo(f"deleted {services.purge_delivered(timedelta(days=days))}")
