"""SQLite extras for a researcher's own tools (Datasette, pandas, plain SQL): views and a full-text table.

The FTS5 table is kept by triggers on `sections`, so it is written in the same transaction as the rows.
SQLite only: on other databases nothing is created (PostgreSQL searches with its own engine).
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

FTS_TABLE = "sections_fts"

_VIEWS = {
    "sections_full": """
        SELECT s.id AS section_id, m.id AS meeting_id, m.id || '/' || i.number AS item_id, m.body, m.municipality,
               m.date, substr(m.date, 1, 4) AS year, m.kind, i.number AS item_number, i.title AS item_title,
               i.case_number, i.closed, s.position, s.name AS section, s.heading, s.text, s.decided_on,
               s.decided_by, s.page_start, d.filename AS source_file
        FROM sections s JOIN items i ON s.item_id = i.id JOIN meetings m ON i.meeting_id = m.id
        LEFT JOIN documents d ON d.sha256 = s.source""",
    "decisions": """
        SELECT m.id AS meeting_id, m.body, m.municipality, substr(m.date, 1, 4) AS year, m.date AS meeting_date,
               m.id || '/' || i.number AS item_id, i.number AS item_number, i.title AS item_title, i.case_number,
               s.decided_on, s.decided_by, s.text
        FROM sections s JOIN items i ON s.item_id = i.id JOIN meetings m ON i.meeting_id = m.id
        WHERE s.name = 'Beslutning'""",
}

_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON sections BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name, heading, text) VALUES (new.id, new.name, new.heading, new.text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON sections BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, heading, text)
        VALUES ('delete', old.id, old.name, old.heading, old.text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON sections BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, heading, text)
        VALUES ('delete', old.id, old.name, old.heading, old.text);
        INSERT INTO {FTS_TABLE}(rowid, name, heading, text) VALUES (new.id, new.name, new.heading, new.text); END""",
)


def drop(conn: Connection) -> None:
    """The views (before a migration copies the tables under them); the triggers go with their table."""
    if conn.dialect.name != "sqlite":
        return
    for name in _VIEWS:
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))


def _installed(engine: Engine) -> bool:
    """The views as this version writes them, the FTS5 table and its triggers are all there already."""
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type IN ('view', 'table', "
                                       "'trigger')")).all())
    return (all(found.get(name) == f"CREATE VIEW {name} AS {body}" for name, body in _VIEWS.items())
            and FTS_TABLE in found and all(f"{FTS_TABLE}_{t}" in found for t in ("ai", "ad", "au")))


def install(engine: Engine) -> None:
    """Create (or refresh) the views, the FTS5 table and its triggers; fill the table if it is new.

    A database that has them already is only read (no write transaction), so a reader opens it cheaply."""
    if engine.dialect.name != "sqlite" or _installed(engine):
        return
    with engine.begin() as conn:
        for name, body in _VIEWS.items():
            conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
            conn.execute(text(f"CREATE VIEW {name} AS {body}"))
        exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}).first()
        if not exists:
            conn.execute(text(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(name, heading, text, content='sections', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"))
        for trigger in _TRIGGERS:
            conn.execute(text(trigger))
        if not exists:
            conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
