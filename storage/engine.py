"""The database engine of an archive: opened, its schema checked (migrations) and its SQLite extras installed.

Apart from storage/archive.py (the ORM side) so that a command that only reads a little (`search` checks the
index state) opens the database without importing the ORM models and the merge code.
"""
from __future__ import annotations

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
    ensure_schema(engine)  # migrations, never create_all: an older database is upgraded, not recreated
    views.install(engine)  # SQLite only: views, FTS5 and triggers, after the migrations
    return engine
