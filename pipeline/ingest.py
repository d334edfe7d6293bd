"""Ingest: the table of contents of the pipeline. Each step is a plain function in its own module."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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
from storage.archive import Archive
from storage.index_state import mark_current, note_ingest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    status: Literal["ingested", "skipped", "failed"]
    meeting_id: str | None = None
    error: str | None = None

    def as_json(self) -> dict:
        return {"path": self.path, "status": self.status, "meeting_id": self.meeting_id, "error": self.error}


class Services:
    """What the steps need, made once per run from Settings. The Danish lexicon takes a second or two to
    load, so it is loaded on first use: `search`, `show` and `export` never pay for it."""

    def __init__(self, settings: Settings, archive: Archive, index: TextIndex) -> None:
        self.settings = settings
        self.archive = archive
        self.index = index
        self.ocr = OcrEngine(language=settings.ocr_language, dpi=settings.ocr_dpi, workers=settings.workers)
        self._repairer: Repairer | None = None

    @property
    def repairer(self) -> Repairer:
        if self._repairer is None:
            self._repairer = Repairer.load(cache_dir=self.settings.cache_dir)
        return self._repairer

    @classmethod
    def open(cls, settings: Settings) -> Services:
        settings.home.mkdir(parents=True, exist_ok=True)
        return cls(settings, Archive(settings.db_url), open_index(settings.index_dir, settings.engine,
                                                                          settings.db_url))


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
        meeting_id = store(path, sha256, pages, meeting, services)
    except (InputFileError, MissingDependencyError) as err:
        services.archive.record_failure(path, sha256, str(err))
        return FileResult(path=str(path), status="failed", error=str(err))
    except Exception as err:  # a bug must not cost the rest of the batch; the traceback goes to the log
        log.exception("internal error on %s", path)
        message = f"{path}: internal error ({type(err).__name__}: {err}); please report it with the file"
        services.archive.record_failure(path, sha256, message)
        return FileResult(path=str(path), status="failed", error=message)
    return FileResult(path=str(path), status="ingested", meeting_id=meeting_id)


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


def store(path: Path, sha256: str, pages: list[Page], meeting: Meeting, services: Services) -> str:
    """Database rows and index records of one document, all or nothing."""
    replaced = services.archive.previous_version(path, sha256)
    raw_texts = steps.section_raw_texts(meeting.items, steps.damaged_spellings(pages))
    meeting_id: str | None = None
    indexed = False
    try:
        with services.archive.sessions.begin() as session:
            if replaced:
                services.archive.delete_meeting(session, replaced)
            meeting_id = services.archive.add_document(session, path, sha256, pages, meeting, raw_texts)
            services.index.replace_meeting(meeting_id, section_docs(meeting_id, meeting, raw_texts, pages))
            note_ingest(session, services.settings.engine, str(services.index.path))
            indexed = True
    except BaseException:
        if indexed and meeting_id:
            services.index.delete_meeting(meeting_id)
        raise
    if replaced and replaced != meeting_id:
        services.index.delete_meeting(replaced)
    return meeting_id


def reindex(services: Services, batch: int = 200) -> int:
    """Rebuild the index from the database (the source of truth); returns the number of sections indexed.

    Meetings go to the index `batch` at a time: one commit per batch, not per meeting."""
    services.index.clear()
    count = 0
    pending: list[SectionDoc] = []
    for n, stored in enumerate(services.archive.iter_meetings(), start=1):
        raw = services.archive.section_raw_texts(stored.meeting_id)
        pages = services.archive.pages_of(stored.meeting_id) if not stored.meeting.items else []
        pending.extend(section_docs(stored.meeting_id, stored.meeting, raw, pages))
        if n % batch == 0:
            count += services.index.add(pending)
            pending = []
    if pending:
        count += services.index.add(pending)
    with services.archive.sessions.begin() as session:
        mark_current(session, services.settings.engine, str(services.index.path))
    return count
