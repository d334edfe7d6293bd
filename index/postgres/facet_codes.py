"""The six facet fields of a row as one small integer, so facets count one int column instead of six strings.

Counting facets with GROUPING SETS over six text columns hashes every matching row six times: at a million
sections a common word (393,625 rows) spent ~230 ms CPU there. Each distinct combination of the facet values
(kind, body, year, section, municipality, closed) gets a code in the dictionary table `<table>_facets`; the
search table's `facet_code` holds it, a search counts rows per code (one integer hash, ~30 ms for that word) and
rolls those few thousand counts up per field through the dictionary. Missing values are stored as '' (facets
drop empty values in every engine). Codes are only ever added, by the writer's own transaction, so a rolled
back write leaves no code its rows could point to. An older table without the column gets its codes when it is
rewritten (index/postgres/layout.py).
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from index.model import FACET_FIELDS

TEXT_FIELDS = tuple(f for f in FACET_FIELDS if f != "closed")
ADD_LOCK = 7260420  # the advisory lock of writers adding codes (engine.py's table creation holds 7260419)
Combo = tuple[object, ...]  # the FACET_FIELDS values of a row, '' for a missing text value


def dictionary(table: str) -> str:
    return f"{table}_facets"


def ddl(table: str) -> str:
    columns = ", ".join(f"{f} text NOT NULL" if f != "closed" else "closed boolean NOT NULL" for f in FACET_FIELDS)
    return (f"CREATE TABLE IF NOT EXISTS {dictionary(table)} (code serial PRIMARY KEY, {columns}, "
            f"UNIQUE ({', '.join(FACET_FIELDS)}))")


def combo(row: dict[str, object]) -> Combo:
    return tuple(bool(row[f]) if f == "closed" else str(row[f] or "") for f in FACET_FIELDS)


def _unnest(combos: Sequence[Combo]) -> tuple[str, dict[str, object]]:
    """`unnest(...)` of the combinations column by column, and its parameters."""
    params = {f"f{i}": [c[i] for c in combos] for i in range(len(FACET_FIELDS))}
    casts = ", ".join(f"CAST(:f{i} AS {'boolean' if f == 'closed' else 'text'}[])" for i, f in enumerate(FACET_FIELDS))
    return f"unnest({casts}) AS u({', '.join(FACET_FIELDS)})", params


class FacetCodes:
    """The codes one write transaction has looked up (never kept past it: a rollback may drop new codes)."""

    def __init__(self, conn: Connection, table: str) -> None:
        self._conn = conn
        self._table = dictionary(table)
        self._known: dict[Combo, int] = {}

    def assign(self, rows: list[dict[str, object]]) -> None:
        """Set each row's `facet_code`, adding the combinations the dictionary does not hold yet."""
        missing = list({combo(r) for r in rows} - self._known.keys())
        if missing:
            # one writer at a time adds codes, to its commit: two adding each other's new combinations in turn
            # would otherwise wait on each other's unique-index entries (a deadlock)
            self._conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADD_LOCK})
            source, params = _unnest(missing)
            columns = ", ".join(FACET_FIELDS)
            self._conn.execute(text(f"INSERT INTO {self._table} ({columns}) SELECT {columns} FROM {source} "
                                    "ON CONFLICT DO NOTHING"), params)
            found = self._conn.execute(text(f"SELECT d.code, {', '.join(f'd.{f}' for f in FACET_FIELDS)} "
                                            f"FROM {self._table} d JOIN {source} USING ({columns})"), params)
            self._known.update({tuple(r[1:]): int(r[0]) for r in found})
        for row in rows:
            row["facet_code"] = self._known[combo(row)]


def fill_from(conn: Connection, table: str, source: str) -> str:
    """Add the combinations of the rows of `source` (a table without codes) to `table`'s dictionary; returns the
    join condition of `source AS t` with the dictionary `d` that gives each row its code."""
    values = ", ".join(f"coalesce({f}, '')" if f != "closed" else "closed" for f in FACET_FIELDS)
    conn.execute(text(f"INSERT INTO {dictionary(table)} ({', '.join(FACET_FIELDS)}) SELECT DISTINCT {values} "
                      f"FROM {source} ON CONFLICT DO NOTHING"))
    return " AND ".join(f"d.{f} = coalesce(t.{f}, '')" if f != "closed" else "d.closed = t.closed"
                        for f in FACET_FIELDS)


def facet_sql(table: str) -> str:
    """CTEs `codes` (matching rows per code, from `matched`) and `facets` (GROUPING SETS rows per field and the
    total, the shape plan.read_facets reads), the roll-up joined through the dictionary."""
    columns = ", ".join(FACET_FIELDS)
    sets = ", ".join(f"({name})" for name in FACET_FIELDS)
    return (f"codes AS (SELECT facet_code, count(*) AS n FROM matched GROUP BY facet_code), "
            f"facets AS (SELECT {', '.join(f'd.{f}' for f in FACET_FIELDS)}, GROUPING({columns}) AS g, "
            f"coalesce(sum(c.n), 0) AS n FROM codes c JOIN {dictionary(table)} d ON d.code = c.facet_code "
            f"GROUP BY GROUPING SETS ({sets}, ()))")
