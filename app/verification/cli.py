"""`flask census import FILE`: import a census list on the server, without uploading it."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.verification import services

census_cli = AppGroup("census", help="The census list used to verify residents.")


@census_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Import a census CSV file (pesel, district, birth_year): all of it, or nothing.

    Problems are reported by line and column, never with the number itself.
    """
    with open(path, "rb") as file:
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise click.ClickException("The file is not UTF-8 text.") from None
    rows, problems = services.parse_census_csv(text, services.district_index())
    del text
    if problems:
        for problem in problems[:1000]:
            where = f"line {problem.line}"
            if problem.column:
                where += f", column {problem.column} ({problem.column_name})"
            click.echo(f"{where}: {problem.text}", err=True)
        raise click.ClickException(
            f"The file has {len(problems)} problem(s). Nothing was imported.")
    try:
        summary = services.import_census(rows, None)
    except services.ImportConflictError:
        raise click.ClickException("The census or the districts changed during the import. "
                                   "Nothing was imported; run the command again.") from None
    click.echo(f"Census imported: {summary.created} added, {summary.updated} updated, "
               f"{summary.unchanged} unchanged.")
