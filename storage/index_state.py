"""One index state: the database records which engines' indexes hold its current content.

Each engine keeps its own index (a Whoosh folder, a Tantivy folder, the postgres table); an ingest writes only
the active one, so it marks the others stale. A search on an index that is stale, or was never built for an
archive that has documents, is an error that says to run `reindex`, never a silent 0 hits.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pipeline.errors import ExitCode, MoedearkivError
from storage.models import DocumentRow, IndexStateRow


class IndexNotCurrent(MoedearkivError):
    """The chosen engine's index does not hold what the database holds."""

    exit_code = ExitCode.USAGE  # as any index that needs `reindex` (ExitCode.BUSY, 4, is a busy writer)


def note_ingest(session: Session, engine: str, location: str) -> None:
    """Inside the ingest's transaction: the active index got the document, every other index is now stale.

    The active engine's first record is current only if this is the archive's first document (an index
    started on a non-empty archive lacks the earlier ones)."""
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
    row = session.get(IndexStateRow, engine)
    if row is None:
        session.add(IndexStateRow(engine=engine, current=True, location=location))
    else:
        row.current, row.location, row.updated_at = True, location, datetime.now(UTC)


def check_current(session: Session, engine: str, indexed_sections: int) -> None:
    """Raise IndexNotCurrent with the fix when `engine`'s index does not reflect the database.

    No record (a 0.1.0 archive, upgraded) is trusted when the index has records; an empty index of an
    archive with documents is not."""
    row = session.get(IndexStateRow, engine)
    built = [r.engine for r in session.scalars(select(IndexStateRow).where(IndexStateRow.current)).all()]
    others = f" (current: {', '.join(built)})" if built else ""
    fix = f"run `moedearkiv --engine {engine} reindex` to build it from the database"
    if row is not None and not row.current:
        raise IndexNotCurrent(f"The {engine} index is stale: documents were ingested with another engine{others}",
                              hint=fix)
    if row is None and indexed_sections == 0:
        ingested = session.scalar(select(func.count()).select_from(DocumentRow)
                                  .where(DocumentRow.status == "ingested"))
        if ingested:
            raise IndexNotCurrent(f"There is no {engine} index of this archive's {ingested} documents{others}",
                                  hint=fix)
