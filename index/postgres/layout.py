"""A search table of this schema version made before facet codes, rewritten into the current layout when opened.

Adding the column with an UPDATE of every row would double the table (every row a new version, the old ones
dead) and leave the code behind the long columns and the vectors in TOAST: measured at a million sections,
queries on such a table were slower than before the change (CPU p95 142 ms, `meeting` 493). So the old table is
renamed, the current one created in its place (small columns first, the vector inline, `facet_code`) and
filled by one INSERT ... SELECT with the GIN indexes built after it (index/postgres/bulk.py), ids kept; the
old table is dropped, all in the opening transaction. ~1 minute at a million sections.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from index.postgres import bulk, facet_codes


def rewrite(conn: Connection, table: str, ddl: Sequence[str]) -> None:
    """Rebuild `table` (without `facet_code`) by the statements `ddl`, keeping every row and id."""
    old = f"{table}_before_facet_codes"
    conn.execute(text(f"ALTER TABLE {table} RENAME TO {old}"))
    for (name,) in conn.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                                     "AND tablename = :t"), {"t": old}).all():
        conn.execute(text(f'ALTER INDEX "{name}" RENAME TO "{name}_old"'))  # the new table's indexes take the names
    for statement in ddl:
        conn.execute(text(statement))
    match = facet_codes.fill_from(conn, table, old)
    indexes = bulk.start_bulk_load(conn, table)
    columns = [c for c in bulk.COLUMNS if c != "facet_code"]
    conn.execute(text(f"INSERT INTO {table} (id, {', '.join(columns)}, facet_code) "
                      f"SELECT t.id, {', '.join(f't.{c}' for c in columns)}, d.code FROM {old} t "
                      f"JOIN {facet_codes.dictionary(table)} d ON {match} ORDER BY t.id"))
    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 "
                      f"FROM {table}), false)"))
    conn.execute(text(f"DROP TABLE {old}"))
    bulk.create_indexes(conn, table, indexes)
