"""Search inside PostgreSQL: the index is a table of the archive's own database, with a GIN-indexed tsvector.

The same public behaviour as the Whoosh and Tantivy engines (index/engine_choice.TextIndex): the terms come
from index/analysis.py (index/postgres/vectors.py), queries are the same tree (index/postgres/tsquery.py),
snippets the project's own (`[[ ]]`, index/snippet.py), facets counted per facet code and rolled up through
its dictionary (index/postgres/facet_codes.py). Many machines share one archive this way: no index files, every
writer goes through the database. A table of this schema version made before facet codes is rewritten into the
current layout when opened (index/postgres/layout.py).
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine

from index.documents import SectionDoc
from index.model import ClosesOnExit, Hit, SearchFilters, SearchResult
from index.postgres import bulk, facet_codes, layout
from index.postgres.plan import read_facets, search_statement
from index.postgres.vectors import to_row
from index.query import paging, parse_query
from index.records import merged_records
from index.snippet import Highlight, highlight_for, section_snippet
from index.versioning import SCHEMA_VERSION, IndexVersionError

log = logging.getLogger(__name__)

ENGINE = "postgres"
TABLE = "search_sections"
META = f"{TABLE}_meta"
WORK_MEM = "64MB"  # a query's matched rows (the MATERIALIZED CTE) stay in memory instead of a temp file
# per search transaction: work_mem as above; no JIT, whose compile (~100 ms and more) PostgreSQL starts for any
# plan costed over jit_above_cost, which every common word's plan is at a million sections
SEARCH_SETTINGS = f"SELECT set_config('work_mem', '{WORK_MEM}', true), set_config('jit', 'off', true)"

# the vector kept in the row (compressed or moved out only as a last resort; the long texts go first): a
# tsvector moved to the TOAST table costs each matching row an index lookup and more page reads, ~20 % of a
# common word's CPU at a million sections (110,000 vectors and texts were out of line)
TSV_INLINE = f"ALTER TABLE {TABLE} ALTER COLUMN tsv SET STORAGE MAIN"
# the small columns every matching row is read for (filters, order, facet code, the vector) come first and the long
# ones last: PostgreSQL walks a row's columns in order, and at a million sections a common word's 393,625 rows
# cost ~90 ms CPU more for a date behind the text than before it
DDL = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        id bigserial PRIMARY KEY, position integer NOT NULL, date_num integer, decided_num integer,
        closed boolean NOT NULL DEFAULT false, facet_code integer NOT NULL, kind varchar(16) NOT NULL,
        section varchar(100) NOT NULL, year varchar(4), body varchar(300), municipality varchar(100),
        meeting_id varchar(200) NOT NULL, item_key text NOT NULL, case_norm varchar(100),
        body_words text[] NOT NULL DEFAULT '{{}}', municipality_words text[] NOT NULL DEFAULT '{{}}',
        tsv tsvector NOT NULL, date varchar(10), item_number varchar(50), item_title text, case_number varchar(100),
        page integer, item_id varchar(300), decided_on varchar(10), decided_by varchar(300), source varchar(64),
        also_in text[] NOT NULL DEFAULT '{{}}', text text NOT NULL, raw_text text NOT NULL DEFAULT '')""",
    TSV_INLINE,
    facet_codes.ddl(TABLE),
    f"CREATE INDEX IF NOT EXISTS {TABLE}_tsv ON {TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_meeting ON {TABLE} (meeting_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (date_num)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_body_words ON {TABLE} USING gin (body_words)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_decided ON {TABLE} (decided_num)",
)
class PostgresIndex(ClosesOnExit):
    """Sections in a table of the archive's PostgreSQL database; each call is one transaction."""

    def __init__(self, path: Path, engine: Engine, bulk_min_rows: int = bulk.BULK_MIN_ROWS) -> None:
        self.path = path  # kept for the TextIndex interface; the data is in the database
        self._engine = engine
        self._bulk_min_rows = bulk_min_rows
        self._joined: Connection | None = None

    @classmethod
    def open(cls, url: str, path: Path | None = None, bulk_min_rows: int = bulk.BULK_MIN_ROWS) -> PostgresIndex:
        """Connect to the database at `url` and create the search table if missing; a table of another schema
        version raises IndexVersionError (reindex drops and rebuilds it)."""
        engine = create_engine(url)
        if engine.dialect.name != "postgresql":
            engine.dispose()
            raise ValueError(f"The postgres search engine needs a PostgreSQL database, not {engine.dialect.name}.")
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(7260419)"))  # two processes creating it at once
                found = _read_version(conn)
                if found is None:
                    for statement in DDL:
                        conn.execute(text(statement))
                    conn.execute(text(f"CREATE TABLE {META} (schema_version integer NOT NULL)"))
                    conn.execute(text(f"INSERT INTO {META} VALUES (:v)"), {"v": SCHEMA_VERSION})
                elif found == SCHEMA_VERSION and not _has_column(conn, "facet_code"):
                    log.warning("rewriting the search table %s into the current layout, once (about a minute per "
                                "million sections; other commands wait for it)", TABLE)
                    layout.rewrite(conn, TABLE, DDL)
                elif found != SCHEMA_VERSION:
                    raise IndexVersionError(
                        f"The search table {TABLE} was built by engine/schema {(ENGINE, found)}, this program needs "
                        f"{(ENGINE, SCHEMA_VERSION)}: rebuild it (reindex).")
        except BaseException:
            engine.dispose()
            raise
        return cls(Path(path or "."), engine, bulk_min_rows)

    def add(self, docs: Iterable[SectionDoc]) -> int:
        """Index sections, replacing every section already indexed for the meetings they belong to."""
        return self._write(docs, also_delete=())

    def replace_meeting(self, meeting_id: str, docs: Iterable[SectionDoc]) -> int:
        return self._write(docs, also_delete=(meeting_id,))

    def _write(self, docs: Iterable[SectionDoc], also_delete: tuple[str, ...]) -> int:
        """All of `docs` in one transaction (the joined one, see `joined`): each meeting's old rows deleted when
        it is first seen, new rows copied in batches; a big load into an empty table builds the GIN after it."""
        seen: set[str] = set(also_delete)
        count = 0
        with self._transaction() as conn:
            codes = facet_codes.FacetCodes(conn, TABLE)
            for meeting_id in also_delete:
                conn.execute(text(f"DELETE FROM {TABLE} WHERE meeting_id = :m"), {"m": meeting_id})
            rows = (to_row(doc) for doc in merged_records(docs))  # one record per (meeting, item, section)
            first = next(bulk.batches(rows, self._bulk_min_rows), [])
            loading = len(first) >= self._bulk_min_rows and not also_delete and bulk.is_empty(conn, TABLE)
            deferred = bulk.start_bulk_load(conn, TABLE) if loading else []
            for batch in itertools.chain(bulk.batches(first), bulk.batches(rows)):
                fresh = list({str(r["meeting_id"]) for r in batch} - seen)
                if fresh and not loading:  # an empty table holds nothing to delete
                    conn.execute(text(f"DELETE FROM {TABLE} WHERE meeting_id = ANY(:m)"), {"m": fresh})
                seen.update(fresh)
                codes.assign(batch)
                count += bulk.copy_rows(conn, TABLE, batch, freeze=loading)
            if loading:
                bulk.create_indexes(conn, TABLE, deferred)
        return count

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        if self._joined is not None:
            yield self._joined
            return
        with self._engine.begin() as conn:
            yield conn

    @contextmanager
    def joined(self, conn: Connection) -> Iterator[bool]:
        """Write through `conn` (the archive's own transaction) while inside, so the document's rows and its
        search rows commit or roll back together; yields False, and writes apart, when `conn` is another
        database's."""
        if not same_database(conn.engine.url, self._engine.url):
            yield False
            return
        self._joined = conn
        try:
            yield True
        finally:
            self._joined = None

    def delete_meeting(self, meeting_id: str) -> None:
        with self._transaction() as conn:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE meeting_id = :m"), {"m": meeting_id})

    def clear(self) -> None:
        with self._transaction() as conn:
            conn.execute(text(f"TRUNCATE {TABLE}"))

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one())

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 10,
               per_item: bool = False, sort: str = "relevance", offset: int = 0) -> SearchResult:
        """Search sections (or items, with `per_item`); raises QuerySyntaxError for malformed queries.

        `sort` is relevance, date or -date; `offset` skips that many hits (items with `per_item`)."""
        page = paging(limit, offset, sort)
        node = parse_query(query)
        statement = search_statement(TABLE, node, filters or SearchFilters(), page, per_item)
        with self._engine.connect() as conn:
            conn.execute(text(SEARCH_SETTINGS))
            row = conn.execute(text(statement.sql), statement.params).one()
        facets, sections = read_facets(row.facets or [])
        highlight = highlight_for(node)
        scored = page.sort == "relevance"
        hits = tuple(_hit(hit, highlight, scored) for hit in row.hits or [])
        return SearchResult(query=query, total=int(row.items) if per_item else sections, hits=hits, facets=facets,
                            offset=page.offset, sort=page.sort)

    def close(self) -> None:
        self._engine.dispose()


def _hit(row: dict, highlight: Highlight, scored: bool) -> Hit:
    return Hit(
        meeting_id=row["meeting_id"], date=row["date"], kind=row["kind"] or "", body=row["body"] or None,
        item_number=row["item_number"], item_title=row["item_title"] or None, section=row["section"] or "",
        page=row["page"], score=round(float(row["score"]), 4) if scored else 0.0,
        snippet=section_snippet(row["text"] or "", row["raw_text"] or "", highlight),
        case_number=row["case_number"] or None, position=int(row["position"] or 0), item_id=row["item_id"],
        municipality=row["municipality"] or None, closed=bool(row["closed"]), decided_on=row["decided_on"],
        decided_by=row["decided_by"], also_in=tuple(row["also_in"] or ()),
    )


def _read_version(conn) -> int | None:  # noqa: ANN001 - a Connection
    """The schema version of the search table; None when there is none; 1 for a table older than versions."""
    names = {r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                             "AND tablename IN (:t, :m)"), {"t": TABLE, "m": META})}
    if TABLE not in names:
        return None
    if META not in names:
        return 1
    return int(conn.execute(text(f"SELECT max(schema_version) FROM {META}")).scalar() or 1)


def _has_column(conn, name: str) -> bool:  # noqa: ANN001 - a Connection
    return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = "
                                  "current_schema() AND table_name = :t AND column_name = :c)"),
                             {"t": TABLE, "c": name}).scalar())


def drop_table(url: str) -> None:
    """Drop the search table (whatever schema version made it); the next open creates it again."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(7260419)"))
            conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}_meta"))
            conn.execute(text(f"DROP TABLE IF EXISTS {facet_codes.dictionary(TABLE)}"))
    finally:
        engine.dispose()


def same_database(a: URL, b: URL) -> bool:
    """The same server and database (the driver and password may differ in how they are written)."""
    def where(url: URL) -> tuple[object, ...]:
        return (url.get_backend_name(), url.host or "localhost", url.port or 5432, url.database)

    return where(a) == where(b)
