"""`flask users ...`: account commands for operators."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from app.accounts import services
from app.accounts.forms import MIN_PASSWORD

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="Email address of the administrator.")
@click.option("--name", "display_name", prompt="Display name", help="Name shown to others.")
@click.password_option(help="Password (asked for when not given).")
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create the first administrator, or make an existing account an administrator."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"at least {MIN_PASSWORD} characters", param_hint="password")
    if not 2 <= len(display_name.strip()) <= 80:
        raise click.BadParameter("between 2 and 80 characters", param_hint="--name")
    user = services.create_admin(email, display_name, password)
    click.echo(f"Administrator ready: {user.email}")
