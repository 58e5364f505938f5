"""`flask backup create | verify | restore`: backups an operator can trust."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.backup import services
from app.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database.")


@backup_cli.command("create")
@click.option("--output", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder for the backup (default: instance/backups).")
def create(directory: Path | None) -> None:
    """Write a consistent backup of the database and its SHA-256 checksum."""
    directory = directory or Path(current_app.instance_path) / "backups"
    try:
        backup = services.create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"],
                                        directory)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{backup.path}\nsha256 {backup.sha256}\n{backup.size} bytes")


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def verify(path: Path) -> None:
    """Check a backup file against its checksum."""
    try:
        click.echo(f"{path.name}: checksum matches ({services.verify_backup(path)})")
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(path: Path, yes: bool) -> None:
    """Replace the database's contents with a backup (checked first), then check the result."""
    url = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Replace everything in {url} with {path.name}? This cannot be undone",
                      abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        services.restore_backup(path, current_app.config["SQLALCHEMY_DATABASE_URI"])
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {path.name} into {url}")
    from app.moderation.audit import verify_chain

    result = verify_chain()
    click.echo(f"audit log: {result}")
    if not result.ok:
        raise click.ClickException("the restored audit log does not verify")
