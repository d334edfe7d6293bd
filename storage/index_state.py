"""One index state: the database records which engines' indexes hold its current content.

Each engine keeps its own index (a Whoosh folder, a Tantivy folder, the postgres table); an ingest writes only
the active one, so it marks the others stale. A search on an index that is stale, or was never built for an
archive that has documents, is an error that says to run `reindex`, never a silent 0 hits.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import text

from pipeline.errors import ExitCode, MoedearkivError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session


class IndexNotCurrent(MoedearkivError):
    """The chosen engine's index does not hold what the database holds."""

    exit_code = ExitCode.USAGE  # as any index that needs `reindex` (ExitCode.BUSY, 4, is a busy writer)


def note_ingest(session: Session, engine: str, location: str) -> None:
    """Inside the ingest's transaction: the active index got the document, every other index is now stale.

    The active engine's first record is current only if this is the archive's first document (an index
    started on a non-empty archive lacks the earlier ones)."""
    from sqlalchemy import func, select, update

    from storage.models import DocumentRow, IndexStateRow

    now = datetime.now(UTC)
    session.execute(update(IndexStateRow).where(IndexStateRow.engine != engine).values(current=False, updated_at=now))
    row = session.get(IndexStateRow, engine)
    if row is None:
        ingested = session.scalar(select(func.count()).select_from(DocumentRow)
                                  .where(DocumentRow.status == "ingested"))
        session.add(IndexStateRow(engine=engine, current=(ingested or 0) <= 1, location=location, updated_at=now))
    else:
        row.updated_at = now


def mark_current(session: Session, engine: str, location: str) -> None:
    """After a full reindex of `engine` from the database."""
    from storage.models import IndexStateRow

    row = session.get(IndexStateRow, engine)
    if row is None:
        session.add(IndexStateRow(engine=engine, current=True, location=location))
    else:
        row.current, row.location, row.updated_at = True, location, datetime.now(UTC)


def check_current(db: Session | Connection, engine: str, indexed_sections: int) -> None:
    """Raise IndexNotCurrent with the fix when `engine`'s index does not reflect the database.

    No record (a 0.1.0 archive, upgraded) is trusted when the index has records; an empty index of an
    archive with documents is not. Plain SQL on a session or a connection: `search` runs it without the ORM."""
    states = dict(db.execute(text("SELECT engine, current FROM index_state")).all())
    built = sorted(name for name, current in states.items() if current)
    others = f" (current: {', '.join(built)})" if built else ""
    fix = f"run `moedearkiv --engine {engine} reindex` to build it from the database"
    if engine in states and not states[engine]:
        raise IndexNotCurrent(f"The {engine} index is stale: documents were ingested with another engine{others}",
                              hint=fix)
    if engine not in states and indexed_sections == 0:
        ingested = db.execute(text("SELECT count(*) FROM documents WHERE status = 'ingested'")).scalar()
        if ingested:
            raise IndexNotCurrent(f"There is no {engine} index of this archive's {ingested} documents{others}",
                                  hint=fix)
