"""Schema changes through Alembic migrations (storage/migrations/), for SQLite and PostgreSQL alike.

A new, empty database is created by running every migration; a database at an older revision is never
recreated: opening it raises SchemaOutdated ("run moedearkiv db upgrade"), and `upgrade` moves it forward.
A database made by release 0.1.0 (tables, no alembic_version) is taken to be at the first revision.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from pipeline.errors import MoedearkivError

MIGRATIONS = Path(__file__).with_name("migrations")
FIRST_REVISION = "0001"  # the schema of release 0.1.0, which had no migrations (create_all)


class SchemaOutdated(MoedearkivError):
    """The database was made by an older version of moedearkiv."""

    exit_code = 2


def _config(connection: Connection):  # noqa: ANN202 - alembic.config.Config, imported late
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


_REVISION = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*['\"]?([\w.-]+|None)['\"]?", re.MULTILINE)


def head_revision() -> str:
    """The newest revision, read from the migration files themselves (the one no other revises), so that
    opening an up-to-date database never imports Alembic: `search` starts faster. Alembic's own answer
    (`alembic_head`) is checked against it in the tests."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for file in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(file.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            revised.add(found.get("down_revision", "None"))
    heads = revisions - revised
    if len(heads) != 1:  # a branch or a file this reader cannot follow: ask Alembic
        return alembic_head()
    return heads.pop()


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return str(ScriptDirectory.from_config(config).get_current_head())


def current_revision(connection: Connection) -> str | None:
    """The database's revision; FIRST_REVISION for a 0.1.0 database, None for an empty one."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return FIRST_REVISION if "documents" in tables else None


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest revision; returns (revision before, revision after)."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two machines upgrading at once: one waits
            connection.execute(text("SELECT pg_advisory_xact_lock(7260418)"))
        before = current_revision(connection)
        if connection.dialect.name == "sqlite":  # batch mode copies tables: views on them would break it
            from storage import views

            views.drop(connection)
        config = _config(connection)
        if before == FIRST_REVISION and "alembic_version" not in inspect(connection).get_table_names():
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, "head")
        after = current_revision(connection)
    from storage import views

    views.install(engine)  # SQLite only: views, FTS5 table and triggers on the migrated tables
    return before, str(after)


def ensure_schema(engine: Engine) -> None:
    """Create an empty database by the migrations; refuse (with the fix) one at an older revision."""
    with engine.connect() as connection:
        current = current_revision(connection)
    if current is None:
        upgrade(engine)
        return
    head = head_revision()
    if current != head:
        raise SchemaOutdated(f"The database is at schema revision {current}, this moedearkiv needs {head}",
                             hint="run `moedearkiv db upgrade` (it keeps every document; back the database up first)")


def schema_differences(engine: Engine) -> list[object]:
    """What Alembic's autogenerate sees between the database and the models (empty: they match)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.migrations.env_options import include_object
    from storage.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        return list(compare_metadata(context, Base.metadata))


def new_revision(message: str) -> Path:
    """Write a migration for the difference between the newest revision and the models (autogenerate,
    against a scratch SQLite database brought to head); returns the new file. Check it by reading it."""
    import tempfile

    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/scratch.sqlite")
        upgrade(engine)
        number = f"{int(head_revision()) + 1:04d}"
        with engine.begin() as connection:
            config = _config(connection)
            command.revision(config, message=message, autogenerate=True, rev_id=number)
            path = ScriptDirectory.from_config(config).get_revision(number).path
        engine.dispose()
    return Path(path)
