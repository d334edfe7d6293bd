"""Which search engine holds the index: Whoosh (pure Python, the default), Tantivy (Rust, faster) or PostgreSQL
(a table of the archive's own database).

All implement `TextIndex` with the same query language, analysis, snippets and result records; the benchmark
(bench/bench_search.py --engine all) measures them on the same archive. Each engine is imported only when opened.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from index.documents import SectionDoc
from index.model import SearchFilters, SearchResult

ENGINES: tuple[str, ...] = ("whoosh", "tantivy", "postgres")
DEFAULT_ENGINE = "whoosh"


class TextIndex(Protocol):
    """What the pipeline and the CLI use of an index, whichever engine is behind it."""

    path: Path

    def add(self, docs: Iterable[SectionDoc]) -> int: ...

    def replace_meeting(self, meeting_id: str, docs: Iterable[SectionDoc]) -> int: ...

    def delete_meeting(self, meeting_id: str) -> None: ...

    def clear(self) -> None: ...

    def count(self) -> int: ...

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 10,
               per_item: bool = False, sort: str = "relevance", offset: int = 0) -> SearchResult: ...

    def close(self) -> None: ...


def reset_index(path: Path, engine: str = DEFAULT_ENGINE, db_url: str | None = None) -> None:
    """Remove every file of the index folder `path` (one engine's own folder in the data folder), whatever
    engine or schema version wrote them: `reindex` then builds a fresh index from the database. For postgres,
    the search table in the database at `db_url` is dropped instead (whatever its schema version)."""
    import shutil

    if engine == "postgres":
        from index.postgres.engine import drop_table

        if db_url:
            drop_table(db_url)
        return
    path = Path(path)
    if path.is_dir():
        shutil.rmtree(path)


def open_index(path: Path, engine: str = DEFAULT_ENGINE, db_url: str | None = None) -> TextIndex:
    """Open (or create) the index at `path` with the named engine (postgres: in the database at `db_url`)."""
    if engine == "whoosh":
        from index.whoosh import SearchIndex

        return SearchIndex.open(path)
    if engine == "tantivy":
        from index.tantivy import TantivyIndex

        return TantivyIndex.open(path)
    if engine == "postgres":
        from index.postgres import PostgresIndex

        if not db_url:
            raise ValueError("The postgres search engine needs the database URL (--db postgresql+psycopg://...).")
        return PostgresIndex.open(db_url, path)
    raise ValueError(f"Unknown search engine {engine!r}; choose one of {', '.join(ENGINES)}.")


@contextmanager
def joined_writes(ix: TextIndex, session: Any) -> Iterator[None]:  # noqa: ANN401 - a SQLAlchemy Session
    """While inside, the index writes in the database transaction of `session` when it can: the postgres engine
    on the archive's own database, so a document rolled back leaves no search rows behind. Whoosh and Tantivy
    keep files that no database transaction covers; for them (and a search table in another database) this
    does nothing, and the caller repairs the index after a rollback."""
    join = getattr(ix, "joined", None)
    if join is None:
        yield
        return
    with join(session.connection()):
        yield
