"""Ingest: the table of contents of the pipeline. Each step is a plain function in its own module."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy.orm import Session

from index import IndexVersionError, TextIndex, open_index
from index.engine_choice import joined_writes, reset_index
from parsers.model import Meeting, Page
from pipeline.config import Settings
from pipeline.errors import (
    IndexOutdatedError,
    InputFileError,
    Interrupted,
    MissingDependencyError,
    WriterBusyError,
)
from pipeline.indexing import section_docs
from pipeline.pdf import sha256_of
from pipeline.progress import PageSink, for_file
from pipeline.safe_store import AlreadyStored
from pipeline.vocabulary import archive_vocabulary
from storage.archive import Archive, Change
from storage.index_state import mark_current, note_ingest

if TYPE_CHECKING:  # a pool's parent never reads a PDF: OCR, tables and parsing are its workers' imports
    from parsers.repair import Repairer
    from pipeline.ocr import OcrEngine
    from pipeline.process import ProcessedDocument
    from pipeline.tables import FoundTable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    status: Literal["ingested", "skipped", "failed"]
    meeting_id: str | None = None
    error: str | None = None
    role: str | None = None  # how the document joined its meeting: dagsorden, referat, item, copy, bilag, document
    joined: bool = False  # the meeting already had other documents
    replaced: bool = False  # an older version of the file at the same path gave way

    def as_json(self) -> dict:
        return {"path": self.path, "status": self.status, "meeting_id": self.meeting_id, "error": self.error,
                "role": self.role}


class Services:
    """What the steps need, made once per run from Settings. The Danish lexicon takes a second or two to
    load, so it is loaded on first use: `search`, `show` and `export` never pay for it."""

    def __init__(self, settings: Settings, archive: Archive, index: TextIndex | None = None) -> None:
        self.settings = settings
        self.archive = archive
        self._index = index
        self._ocr: OcrEngine | None = None
        self._repairer: Repairer | None = None
        self.page_sink: PageSink | None = None  # OCR page counts (pipeline/progress.py), the CLI's bar or nothing

    @property
    def ocr(self) -> OcrEngine:
        if self._ocr is None:
            from pipeline.ocr import OcrEngine

            self._ocr = OcrEngine.from_settings(self.settings)
        return self._ocr

    @property
    def repairer(self) -> Repairer:
        if self._repairer is None:
            from parsers.repair import Repairer
            from pipeline.lock import writer_lock

            with writer_lock(self.settings.home, self.settings.lock_timeout):  # it may write the cache folder
                self._repairer = Repairer.load(cache_dir=self.settings.lexicon_dir,
                                               extra_vocabulary=archive_vocabulary(self.archive))
        return self._repairer

    @property
    def index(self) -> TextIndex:
        """Opened on first use, so a command that needs no index (stats, show, reindex's clearing) never trips
        over an index of another version."""
        if self._index is None:
            try:
                self._index = open_index(self.settings.index_dir, self.settings.engine, self.settings.db_url)
            except IndexVersionError as err:
                raise IndexOutdatedError(str(err).split(": rebuild")[0]) from err
        return self._index

    def fresh_index(self) -> TextIndex:
        """An empty index of this version, whatever version (or damage) was on disk: what `reindex` builds into."""
        if self._index is not None:
            self._index.close()
        reset_index(self.settings.index_dir, self.settings.engine, self.settings.db_url)
        self._index = open_index(self.settings.index_dir, self.settings.engine, self.settings.db_url)
        return self._index

    @classmethod
    def open(cls, settings: Settings) -> Services:
        from pipeline.reader import open_database

        return cls(settings, Archive(settings.db_url, open_database(settings)))


def find_pdfs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively for *.pdf (any case), in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        else:
            yield path


def ingest_paths(paths: Iterable[Path], services: Services,
                 on_result: Callable[[FileResult], None] = lambda _: None) -> list[FileResult]:
    """Each file in turn; an interrupt (SIGINT, SIGTERM) stops the batch as Interrupted, naming the file it
    was on, which is not recorded as failed. The index commits once per 20 documents (pipeline/index_batch.py),
    in a pool or not: a Whoosh commit of one document cost nearly as much as one of twenty."""
    from pipeline.safe_store import redo_pending

    redo_pending(services)
    if services.settings.workers > 1:  # documents read in a process pool, stored here in order (pipeline/pool.py)
        from pipeline.pool import ingest_parallel

        return ingest_parallel(find_pdfs(paths), services, on_result)
    from pipeline.index_batch import batched

    results = []
    with batched(services) as batch:  # one index commit per 20 documents, as the pool's parent does
        for path in find_pdfs(paths):
            try:
                result = ingest_file(path, services)
            except KeyboardInterrupt:
                raise Interrupted(f"interrupted while ingesting {path} (not recorded as failed)") from None
            on_result(result)
            results.append(result)
            if batch is not None and result.status != "skipped":
                batch.document_done()
    return results


def ingest_file(path: Path, services: Services,
                read: Callable[[Path, str], ProcessedDocument] | None = None) -> FileResult:
    """One file, start to end: skipped if already in the archive, failed (and recorded) if unusable. `read`
    replaces process_pdf (a pool worker's result, pipeline/pool.py); its errors are treated alike."""
    from pipeline.safe_store import store_once

    if not path.is_file():
        return FileResult(path=str(path), status="failed", error=f"{path}: no such file")
    sha256 = sha256_of(path)
    if services.archive.status_of(sha256) == "ingested":
        return FileResult(path=str(path), status="skipped", meeting_id=services.archive.meeting_id_of(sha256))
    try:
        document = read(path, sha256) if read else _read_here(path, sha256, services)
        change = store_once(document, services, store)
    except MissingDependencyError:  # not this file's fault: the whole batch stops (exit 3), nothing recorded
        raise
    except WriterBusyError:
        raise
    except AlreadyStored as done:
        return FileResult(path=str(path), status="skipped", meeting_id=done.meeting_id)
    except InputFileError as err:
        record_failure(services, path, sha256, str(err))
        return FileResult(path=str(path), status="failed", error=str(err))
    except Exception as err:  # a bug must not cost the rest of the batch; the traceback goes to the log
        log.info("internal error on %s", path, exc_info=True)  # the traceback only with -v
        message = f"{path}: internal error ({type(err).__name__}: {err}); please report it with the file"
        record_failure(services, path, sha256, message)
        return FileResult(path=str(path), status="failed", error=message)
    return FileResult(path=str(path), status="ingested", meeting_id=change.meeting_id, role=change.role,
                      joined=change.joined, replaced=change.replaced is not None)


def _read_here(path: Path, sha256: str, services: Services) -> ProcessedDocument:
    """process_pdf in this process (`--workers 1`, or a single file), imported only when a PDF is read here."""
    from pipeline.process import process_pdf

    ocr = services.ocr.with_progress(for_file(services.page_sink, path))
    return process_pdf(path, ocr, services.repairer, services.settings, sha256=sha256)


def record_failure(services: Services, path: Path, sha256: str, message: str) -> None:
    """Under the write lock: two ingests failing on the same file would both find no record and both insert one."""
    from pipeline.lock import writer_lock

    with writer_lock(services.settings.home, services.settings.lock_timeout):
        services.archive.record_failure(path, sha256, message)


def extract_pages(path: Path, services: Services) -> list[Page]:
    """The pages as ingest reads them (pipeline/process.py), for callers that only want the text."""
    from pipeline import process

    return process.extract_pages(path, services.ocr, services.repairer, services.settings)


def parse(path: Path, pages: list[Page], tables: list[FoundTable]) -> Meeting:
    """Items and sections from the text outside the tables; each table then joins the item it lies in."""
    from pipeline import process

    return process.parse(path, pages, tables)


def store(path: Path, sha256: str, pages: list[Page], meeting: Meeting, services: Services) -> Change:
    """Database rows and index records of one document, all or nothing. The document's meeting is rebuilt from
    all its documents, and the index gets the whole merged meeting."""
    from pipeline import steps

    raw_texts = steps.section_raw_texts(meeting.items, steps.damaged_spellings(pages))
    change: Change | None = None
    try:
        with services.archive.sessions.begin() as session:
            change = services.archive.add_document(session, path, sha256, pages, meeting, raw_texts)
            write_index(services, session, change)
            note_ingest(session, services.settings.engine, str(services.index.path))
    except BaseException:
        if change is not None:  # the index may hold what the database rolled back: make it match again
            refresh_index(services, change)
        raise
    return change


def write_index(services: Services, session: Session, change: Change) -> None:
    """The meetings' index records, in the database transaction itself when the index lives in that database."""
    with joined_writes(services.index, session):
        for meeting_id in change.written:
            stored = services.archive.load(meeting_id, session)
            services.index.replace_meeting(meeting_id, section_docs(stored) if stored else [])
        for meeting_id in change.deleted:
            services.index.delete_meeting(meeting_id)


def refresh_index(services: Services, change: Change) -> None:
    with services.archive.sessions() as session:
        for meeting_id in (*change.written, *change.deleted):
            stored = services.archive.load(meeting_id, session)
            services.index.replace_meeting(meeting_id, section_docs(stored) if stored else [])


def remove(ident: str, services: Services) -> Change:
    """A meeting or a document out of database and index; the rest of its meeting is rebuilt (on PostgreSQL under
    the store lock, so no worker's store of the same meeting interleaves)."""
    from pipeline.queue import store_lock

    with store_lock(services.archive.engine), services.archive.sessions.begin() as session:
        change = services.archive.remove(session, ident)
        write_index(services, session, change)
        note_ingest(session, services.settings.engine, str(services.index.path))  # the other engines' are stale
    return change


def reindex(services: Services) -> int:
    """Rebuild the index from the database (the source of truth); returns the number of sections indexed.

    Every meeting goes to the index in one streamed write, one commit (the postgres engine's bulk path: COPY,
    GIN built after the load). Under the write lock, marked 'index pending' until done, so an interrupted
    rebuild is finished by the next writer."""
    from pipeline.lock import writer_lock
    from pipeline.queue import store_lock
    from storage import pending as index_pending

    with writer_lock(services.settings.home, services.settings.lock_timeout), store_lock(services.archive.engine):
        index_pending.mark(services.settings.home, everything=True)
        count = _rebuild(services)
        for done in index_pending.outstanding(services.settings.home):  # ours, and any a rebuild makes moot
            index_pending.clear(done)
    return count


def _rebuild(services: Services) -> int:
    index = services.fresh_index()
    count = index.add(doc for stored in services.archive.iter_meetings() for doc in section_docs(stored))
    with services.archive.sessions.begin() as session:
        mark_current(session, services.settings.engine, str(index.path))
    return count
