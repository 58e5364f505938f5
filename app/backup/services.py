"""Making, checking and restoring backups of the database.

A backup is one file plus `<file>.sha256` (the `sha256sum` format, so it can also be checked
by hand with `sha256sum -c`). PostgreSQL is dumped with `pg_dump --format=custom` (a consistent
snapshot while the site runs) and restored with `pg_restore --clean --single-transaction`
(all or nothing); SQLite is copied with its online backup API (consistent while the site
runs) and restored the same way. A restore refuses a file whose checksum does not match.
The password of the database, when the URL has one, goes to pg_dump through the environment,
never on its command line.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.db_types import utcnow


class BackupError(Exception):
    """A backup could not be made, checked or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    sha256: str
    size: int


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create_backup(database_url: str, directory: Path) -> Backup:
    """Write a backup of the database into `directory`, with its checksum file."""
    url = make_url(database_url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    if url.get_backend_name() == "postgresql":
        path = directory / f"agora-{stamp}.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              *_pg_connection(url), "--file", str(path)], url)
    elif url.get_backend_name() == "sqlite":
        path = directory / f"agora-{stamp}.sqlite3"
        source = _sqlite_file(url)
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    else:
        raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")
    sha256 = file_sha256(path)
    checksum_path(path).write_text(f"{sha256}  {path.name}\n")
    return Backup(path, sha256, path.stat().st_size)


def verify_backup(path: Path) -> str:
    """The file's SHA-256 if it matches its checksum file; BackupError otherwise."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    sums = checksum_path(path)
    if not sums.is_file():
        raise BackupError(f"{sums.name} is missing: the backup cannot be checked")
    expected = sums.read_text().split()[0] if sums.read_text().split() else ""
    actual = file_sha256(path)
    if actual != expected:
        raise BackupError(f"{path.name} does not match its checksum: it is damaged or changed")
    return actual


def restore_backup(path: Path, database_url: str) -> None:
    """Replace the database's contents with the backup's, all or nothing."""
    verify_backup(path)
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        if path.suffix != ".pgdump":
            raise BackupError("a PostgreSQL database is restored from a .pgdump file")
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", *_pg_connection(url, "--dbname"),
              str(path)], url)
    elif url.get_backend_name() == "sqlite":
        if path.suffix != ".sqlite3":
            raise BackupError("a SQLite database is restored from a .sqlite3 file")
        target = _sqlite_file(url)
        with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    else:
        raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _pg_connection(url: URL, database_flag: str = "--dbname") -> list[str]:
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return [*args, database_flag, url.database or ""]


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    result = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-1000:]}")
