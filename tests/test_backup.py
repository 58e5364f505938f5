"""Backups: create with a checksum, refuse a damaged file, restore into a scratch database and
find the same rows and an audit chain that verifies."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts.models import Role
from app.backup import services
from app.extensions import db
from app.moderation import audit
from app.moderation.audit import verify_chain
from config import TestConfig
from tests.factories import make_comment, make_consultation, make_proposal

pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None,
                                reason="needs the PostgreSQL client tools")


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same kind as the test database, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"{url.database}_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(users) -> dict[str, int]:
    moderator = users(Role.MODERATOR)
    author = users(Role.RESIDENT, name="Zofia Żółć")
    proposal = make_proposal(make_consultation("proposals"), author)
    make_comment(proposal, author)
    for number in range(3):
        audit.record(moderator, "settings.change", "setting", None,
                     reason=f"powód {number}", details={"key": "limit", "value": number})
        db.session.commit()
    return table_counts()


def table_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_backup_and_restore_into_a_scratch_database(app, users, tmp_path, scratch_url, runner):
    before = fill(users)
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))

    result = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    path = Path(result.output.splitlines()[0])
    assert path.exists()
    assert services.checksum_path(path).read_text().split() == [services.file_sha256(path),
                                                                path.name]
    assert "checksum matches" in runner.invoke(args=["backup", "verify", str(path)]).output

    scratch = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=scratch_url)
    with scratch.app_context():
        result = scratch.test_cli_runner().invoke(args=["backup", "restore", str(path), "--yes"])
        assert result.exit_code == 0, result.output
        assert "chain intact" in result.output
        assert table_counts() == before
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == version
        assert verify_chain().ok
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_backup_is_refused(app, users, tmp_path, scratch_url, runner):
    fill(users)
    backup = services.create_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    with backup.path.open("r+b") as handle:
        handle.seek(backup.size // 2)
        byte = handle.read(1)
        handle.seek(backup.size // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    result = runner.invoke(args=["backup", "verify", str(backup.path)])
    assert result.exit_code == 1 and "does not match its checksum" in result.output
    with pytest.raises(services.BackupError, match="does not match its checksum"):
        services.restore_backup(backup.path, scratch_url)
    services.checksum_path(backup.path).unlink()
    with pytest.raises(services.BackupError, match="is missing"):
        services.verify_backup(backup.path)


def test_restore_asks_before_replacing(app, users, tmp_path, runner):
    fill(users)
    backup = services.create_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    result = runner.invoke(args=["backup", "restore", str(backup.path)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output


def test_the_demo_city_restored_keeps_its_votes_and_results(app, runner, tmp_path,
                                                            scratch_url):
    """The restore drill on the demo city: in the copy, every vote's roll equals its ballots,
    the audit chain verifies and the published results recount from their own .pb files."""
    from app.consultations.models import Consultation
    from app.results import services as results
    from app.votes import services as votes
    from app.votes.tally.election import natural_key
    from tests.results.recounting import with_script

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    before = table_counts()
    backup = services.create_backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)

    scratch = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=scratch_url)
    with scratch.app_context():
        result = scratch.test_cli_runner().invoke(
            args=["backup", "restore", str(backup.path), "--yes"])
        assert result.exit_code == 0, result.output
        assert table_counts() == before
        assert verify_chain().ok
        checked = published = 0
        for consultation in db.session.scalars(select(Consultation)):
            if votes.get_settings(consultation) is None:
                continue
            assert votes.roll_check(consultation).ok, consultation.title
            checked += 1
            publication = results.current(consultation.id)
            if publication is None:
                continue
            for district_id, pool, _rows in results.pool_rows(publication):
                file = results.pool_file(publication, "city" if district_id is None
                                         else str(district_id))
                expected = sorted((str(p) for p in pool["selected"]), key=natural_key)
                assert with_script(file.content.decode()) == expected
                published += 1
        assert checked >= 2 and published >= 1
        db.session.remove()
        db.engine.dispose()
