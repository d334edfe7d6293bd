"""Writing rows into the search table fast: COPY in batches, and the GIN indexes built after a big load.

Every write goes through COPY (psycopg's `copy`), one batch after another. A write of more than
`BULK_MIN_ROWS` sections into an empty table (what `reindex` and a first bulk load are) drops the table's
GIN indexes first and builds them once after the load, in the same transaction: one sort of all the terms
instead of a million index insertions. That load also truncates the (empty) table first so COPY can write the
rows frozen (`FREEZE`): the pages are all-visible at once, and neither the first queries (hint bits) nor an
autovacuum pass rewrite a million fresh rows afterwards. Nothing is visible to readers before the commit.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import text
from sqlalchemy.engine import Connection

COLUMNS = ("meeting_id", "position", "date", "kind", "body", "item_number", "item_title", "case_number", "section",
           "page", "text", "raw_text", "item_id", "municipality", "closed", "decided_on", "decided_by", "source",
           "also_in", "year", "date_num", "case_norm", "body_words", "municipality_words", "decided_num", "item_key",
           "facet_code", "tsv")
BATCH_ROWS = 5_000
BULK_MIN_ROWS = 20_000


def copy_rows(conn: Connection, table: str, rows: Iterable[dict[str, object]], freeze: bool = False) -> int:
    """COPY `rows` (dicts with every column of COLUMNS) into `table` on this connection's transaction; `freeze`
    only after `start_bulk_load` in the same transaction."""
    cursor = conn.connection.driver_connection.cursor()  # psycopg's own cursor: SQLAlchemy has no COPY
    count = 0
    options = " WITH (FREEZE)" if freeze else ""
    with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN{options}") as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in COLUMNS))
            count += 1
    return count


def batches(rows: Iterable[dict[str, object]], size: int = BATCH_ROWS) -> Iterator[list[dict[str, object]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def is_empty(conn: Connection, table: str) -> bool:
    return not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar()


def gin_indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's GIN indexes, as PostgreSQL itself writes them."""
    rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                             "AND tablename = :t AND indexdef LIKE '%USING gin%'"), {"t": table})
    return [(r[0], r[1]) for r in rows]


def drop_indexes(conn: Connection, indexes: list[tuple[str, str]]) -> None:
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))


def start_bulk_load(conn: Connection, table: str) -> list[tuple[str, str]]:
    """Prepare an empty table for a big load: truncated in this transaction (what COPY FREEZE needs) and its GIN
    indexes dropped; returns them for `create_indexes` after the load."""
    conn.execute(text(f"TRUNCATE {table}"))
    indexes = gin_indexes(conn, table)
    drop_indexes(conn, indexes)
    return indexes


def create_indexes(conn: Connection, table: str, indexes: list[tuple[str, str]]) -> None:
    conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))  # the GIN build sorts in memory
    for _, statement in indexes:
        conn.execute(text(statement))
    conn.execute(text(f"ANALYZE {table}"))
