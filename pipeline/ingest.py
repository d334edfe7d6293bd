"""Ingest: the table of contents of the pipeline. Each step is a plain function in its own module."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from index import SectionDoc, TextIndex, open_index
from parsers.document import parse_document
from parsers.model import Meeting, Page
from parsers.repair import Repairer
from pipeline import steps
from pipeline.config import Settings
from pipeline.errors import InputFileError, MissingDependencyError
from pipeline.extract import read_text_layer
from pipeline.indexing import section_docs
from pipeline.ocr import OcrEngine
from pipeline.pdf import open_pdf, sha256_of
from pipeline.tables import FoundTable, attach_tables, drop_table_lines, find_tables
from pipeline.vocabulary import archive_vocabulary
from storage.archive import Archive, Change

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

    def __init__(self, settings: Settings, archive: Archive, index: TextIndex) -> None:
        self.settings = settings
        self.archive = archive
        self.index = index
        self.ocr = OcrEngine(language=settings.ocr_language, dpi=settings.ocr_dpi, workers=settings.workers,
                             timeout=settings.ocr_timeout)
        self._repairer: Repairer | None = None

    @property
    def repairer(self) -> Repairer:
        if self._repairer is None:
            self._repairer = Repairer.load(cache_dir=self.settings.cache_dir,
                                           extra_vocabulary=archive_vocabulary(self.archive))
        return self._repairer

    @classmethod
    def open(cls, settings: Settings) -> Services:
        settings.home.mkdir(parents=True, exist_ok=True)
        return cls(settings, Archive(settings.db_url), open_index(settings.index_dir, settings.engine))


def find_pdfs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively for *.pdf (any case), in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        else:
            yield path


def ingest_paths(paths: Iterable[Path], services: Services,
                 on_result: Callable[[FileResult], None] = lambda _: None) -> list[FileResult]:
    results = []
    for path in find_pdfs(paths):
        result = ingest_file(path, services)
        on_result(result)
        results.append(result)
    return results


def ingest_file(path: Path, services: Services) -> FileResult:
    """One file, start to end: skipped if already in the archive, failed (and recorded) if unusable."""
    if not path.is_file():
        return FileResult(path=str(path), status="failed", error=f"{path}: no such file")
    sha256 = sha256_of(path)
    if services.archive.status_of(sha256) == "ingested":
        return FileResult(path=str(path), status="skipped", meeting_id=services.archive.meeting_id_of(sha256))
    try:
        pages = extract_pages(path, services)
        tables = find_tables(path, pages)
        meeting = parse(path, pages, tables)
        change = store(path, sha256, pages, meeting, services)
    except (InputFileError, MissingDependencyError) as err:
        services.archive.record_failure(path, sha256, str(err))
        return FileResult(path=str(path), status="failed", error=str(err))
    except Exception as err:  # a bug must not cost the rest of the batch; the traceback goes to the log
        log.exception("internal error on %s", path)
        message = f"{path}: internal error ({type(err).__name__}: {err}); please report it with the file"
        services.archive.record_failure(path, sha256, message)
        return FileResult(path=str(path), status="failed", error=message)
    return FileResult(path=str(path), status="ingested", meeting_id=change.meeting_id, role=change.role,
                      joined=change.joined, replaced=change.replaced is not None)


def extract_pages(path: Path, services: Services) -> list[Page]:
    """Text layer where it is good, Danish OCR where there is none or a non-Danish OCR wrote it, repair otherwise."""
    pdf = open_pdf(path)
    try:
        pages = read_text_layer(pdf)
        damaged = steps.damaged_pages(pages, services.repairer)
        to_ocr = steps.pages_to_ocr(pages, damaged, services.settings.min_text_chars)
        pages = steps.ocr(pdf, pages, to_ocr, services.ocr)
    finally:
        pdf.close()
    return steps.repair(pages, damaged, services.repairer)


def parse(path: Path, pages: list[Page], tables: list[FoundTable]) -> Meeting:
    """Items and sections from the text outside the tables; each table then joins the item it lies in."""
    pages = drop_table_lines(pages, tables)
    return attach_tables(parse_document(steps.document_lines(pages), path.name), tables, pages)


def store(path: Path, sha256: str, pages: list[Page], meeting: Meeting, services: Services) -> Change:
    """Database rows and index records of one document, all or nothing. The document's meeting is rebuilt from
    all its documents, and the index gets the whole merged meeting."""
    raw_texts = steps.section_raw_texts(meeting.items, steps.damaged_spellings(pages))
    change: Change | None = None
    try:
        with services.archive.sessions.begin() as session:
            change = services.archive.add_document(session, path, sha256, pages, meeting, raw_texts)
            write_index(services, session, change)
    except BaseException:
        if change is not None:  # the index may hold what the database rolled back: make it match again
            refresh_index(services, change)
        raise
    return change


def write_index(services: Services, session: Session, change: Change) -> None:
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
    """A meeting or a document out of database and index; the rest of its meeting is rebuilt."""
    with services.archive.sessions.begin() as session:
        change = services.archive.remove(session, ident)
        write_index(services, session, change)
    return change


def reindex(services: Services, batch: int = 200) -> int:
    """Rebuild the index from the database (the source of truth); returns the number of sections indexed.

    Meetings go to the index `batch` at a time: one commit per batch, not per meeting."""
    services.index.clear()
    count = 0
    pending: list[SectionDoc] = []
    for n, stored in enumerate(services.archive.iter_meetings(), start=1):
        pending.extend(section_docs(stored))
        if n % batch == 0:
            count += services.index.add(pending)
            pending = []
    if pending:
        count += services.index.add(pending)
    return count
