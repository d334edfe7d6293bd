"""The database engine of an archive: opened, its schema checked (migrations) and its SQLite extras installed.

Apart from storage/archive.py (the ORM side) so that a command that only reads a little (`search` checks the
index state) opens the database without importing the ORM models and the merge code.
"""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from storage import views
from storage.migrate import ensure_schema


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    with _schema_lock(engine):  # two processes opening a new database must not both create its tables
        ensure_schema(engine)  # migrations, never create_all: an older database is upgraded, not recreated
        views.install(engine)  # SQLite only: views, FTS5 and triggers, after the migrations
    return engine


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """An flock on `<database file>.schema-lock` while the schema is checked and created (SQLite files only:
    PostgreSQL's migrations take an advisory lock of their own)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        handle = open(f"{database}.schema-lock", "a")  # noqa: SIM115 - closed by the with below
    except OSError:  # a read-only data folder: nothing can be created there anyway
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # held for the time of a few CREATE statements, released at close
        yield
