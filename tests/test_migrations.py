"""Alembic migrations on SQLite and PostgreSQL: the head matches the models (`alembic check`), and a database
made by release 0.1.0 (create_all, no alembic_version) is refused with the fix, then upgraded in place."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from storage.archive import Archive
from storage.migrate import FIRST_REVISION, SchemaOutdated, _config, head_revision, schema_differences
from tests.conftest import ROOT


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'archive.sqlite'}"


def test_a_new_database_is_made_by_the_migrations_and_matches_the_models(url: str) -> None:
    archive = Archive(url)
    assert schema_differences(archive.engine) == []
    with archive.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    archive.close()


def _release_0_1_0_database(url: str) -> None:
    """The schema 0.1.0 made with create_all (the first revision, without Alembic's table), with a document."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), FIRST_REVISION)
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("INSERT INTO documents (path, filename, sha256, pages, status, ingested_at) "
                          "VALUES ('/in/a.pdf', 'a.pdf', :sha, 3, 'failed', CURRENT_TIMESTAMP)"), {"sha": "ab" * 32})
    engine.dispose()


def test_an_old_database_is_refused_then_upgraded_never_recreated(url: str, tmp_path: Path) -> None:
    _release_0_1_0_database(url)
    with pytest.raises(SchemaOutdated, match="moedearkiv db upgrade"):
        Archive(url)
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--home", str(tmp_path / "h"), "--db", url,
                           "db", "upgrade"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert f"{FIRST_REVISION} -> {head_revision()}" in proc.stderr
    archive = Archive(url)
    assert schema_differences(archive.engine) == []
    assert "index_state" in inspect(archive.engine).get_table_names()
    assert archive.stats().failed == 1  # the document of the old database is still there
    archive.close()


def test_the_revisions_form_one_line(tmp_path: Path) -> None:
    files = sorted((ROOT / "storage" / "migrations" / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert [f.name[:4] for f in files] == [f"{n:04d}" for n in range(1, len(files) + 1)]
    assert head_revision() == files[-1].name[:4]


def test_the_bilag_words_an_upgrade_fills_in_are_those_ingest_writes(tmp_path: Path) -> None:
    """Revision 0006 backfills each item's Bilag words and each document's name and first-line words from the
    stored rows; an archive upgraded from 0005 must hold exactly what a fresh ingest of the same files wrote."""
    from tests.test_meeting_record import FILES

    home = tmp_path / "h"
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), "ingest",
                           "--workers", "1", *map(str, FILES)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    url = f"sqlite:///{home / 'moedearkiv.sqlite'}"
    engine = create_engine(url)

    def words() -> tuple[list, list]:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT item_id, word FROM attachment_words ORDER BY 1, 2")).all(),
                    conn.execute(text("SELECT document_id, word FROM document_words ORDER BY 1, 2")).all())

    written = words()
    assert written[0] and written[1]
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0005")
    assert {"attachment_words", "document_words"}.isdisjoint(inspect(engine).get_table_names())
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    assert words() == written
    engine.dispose()
