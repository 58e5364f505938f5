"""`flask demo load`: a fictional city with one account per role, clearly marked as sample data."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.census import TRY_EMAIL, TRY_PESEL, VERIFIED_DISTRICT, VERIFIED_EMAIL
from app.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo

demo_cli = AppGroup("demo", help="Sample data for trying Agora out.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="Only load when the database has no accounts yet.")
@click.option("--allow-production", is_flag=True,
              help="Load even with the production configuration (for a public demo site).")
def load(if_empty: bool, allow_production: bool) -> None:
    """Load the demo city (safe to run again: nothing is duplicated)."""
    if current_app.config["ENV_NAME"] == "production" and not allow_production:
        raise click.ClickException(
            "Refusing to load sample data with the production configuration; "
            "pass --allow-production for a public demo site.")
    loaded = load_demo(only_if_empty=if_empty)
    click.echo("Demo city loaded." if loaded else "Database not empty; demo not loaded.")


@demo_cli.command("accounts")
def accounts() -> None:
    """Print the demo accounts."""
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_ACCOUNTS:
        note = f"  (verified resident, {VERIFIED_DISTRICT})" if email == VERIFIED_EMAIL else ""
        click.echo(f"  {role.value:<10} {email}{note}")
    click.echo(f"To try verification, log in as {TRY_EMAIL} and enter the PESEL {TRY_PESEL} "
               "on /account/verify: a synthetic number (made up, valid check digit) on the "
               "demo census list.")
