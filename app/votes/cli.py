"""`flask tally FILE.pb [--rule RULE]`: recount any Pabulib file with Agora's tally engine;
`flask votes close-due`: close the votes whose results date has come."""

from __future__ import annotations

import json
from fractions import Fraction

import click
from flask.cli import AppGroup

from app.votes.tally import RULES, TallyError, read_pabulib, tally
from app.votes.tally.election import format_number

USAGE_ERROR = 2


@click.command("tally")
@click.argument("path", metavar="FILE.pb", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", metavar="RULE",
              help="Count by this rule instead of the file's META rule: " + ", ".join(RULES))
def tally_command(path: str, rule: str | None) -> None:
    """Count a Pabulib file and print the funded projects as JSON.

    Prints {"rule": ..., "selected": [project ids, in the file's order], "total_cost": ...}.
    A file that is not valid Pabulib, or an unknown rule, ends with status 2.
    """
    try:
        election = read_pabulib(path)
        outcome = tally(election, rule)
    except TallyError as error:
        click.echo(f"Error: {path}: {error}", err=True)
        raise click.exceptions.Exit(USAGE_ERROR) from None
    chosen = set(outcome.selected)
    selected = [project_id for project_id in election.projects if project_id in chosen]
    click.echo(json_outcome(outcome.rule, selected, outcome.total_cost))


def json_outcome(rule: str, selected: list[str], total_cost: Fraction) -> str:
    """The JSON line, with the total cost as an exact number (`1545000`, `1546168.66`)."""
    marker = "\x00total_cost\x00"
    text = json.dumps({"rule": rule, "selected": selected, "total_cost": marker},
                      ensure_ascii=False)
    return text.replace(json.dumps(marker), format_number(total_cost))


votes_cli = AppGroup("votes", help="Votes of consultations.")


@votes_cli.command("close-due")
def close_due_command() -> None:
    """Close every vote whose results date has come, tally it and keep a draft result."""
    from app.votes.services import close_due

    closed = close_due()
    click.echo(f"Closed {len(closed)} vote(s)" + (f": consultations {', '.join(map(str, closed))}"
                                                  if closed else "."))
