"""The OCR of a large scan as one queue job per page, so many machines read one big scan together.

A queued document (`pipeline/worker.py`) with more than `Settings.split_ocr_pages` pages to OCR is split: its
document job defers one page job per such page (queueing lock `sha256:page`) and ends. A page job OCRs its page
and stores the result in `ocr_pages`, keyed by sha256 and page number (INSERT ... ON CONFLICT DO NOTHING: a
page job retried after its worker died, or run twice, never stores a page twice). Whichever page job finds every
page stored defers the assemble job; that check and the deferral happen under an advisory lock on the
document's sha256, so two page jobs finishing together defer it once, and a worker dying between the two is
harmless (its retried page job checks again). The assemble job runs `process_pdf` with `StoredPages`, which
hands back the stored pages instead of running Tesseract, and stores the document as any queued one.
"""
from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection, Engine

from parsers.model import Line
from pipeline.ocr import OcrPage
from storage.models import OcrPageRow

if TYPE_CHECKING:
    import procrastinate

    from pipeline.ingest import Services
    from pipeline.process import PageReader

log = logging.getLogger(__name__)

PAGE_LOCK = 72604203  # pg_advisory_lock(PAGE_LOCK, hashtext(sha256)): one completion check per document at a time


@dataclass(frozen=True, slots=True)
class StoredPages:
    """A PageReader that returns the pages the page jobs read; a page it lacks (a plan that differs on this
    machine, say another lexicon) is read by `fallback`, so the document is still complete."""

    pages: Mapping[int, OcrPage]
    fallback: PageReader

    def read_pages(self, pdf: pdfium.PdfDocument, numbers: list[int]) -> dict[int, OcrPage]:
        missing = [n for n in numbers if n not in self.pages]
        if missing:
            log.warning("pages %s have no stored OCR: read here", missing)
        found = dict(self.fallback.read_pages(pdf, missing)) if missing else {}
        return {n: found[n] if n in found else self.pages[n] for n in numbers}


def ocr_plan(path: Path, services: Services) -> list[int] | None:
    """The pages to OCR when they are more than the split threshold, else None (the document is one job)."""
    from pipeline.pdf import open_pdf
    from pipeline.process import plan_ocr

    threshold = services.settings.split_ocr_pages
    pdf = open_pdf(path)
    try:
        if len(pdf) <= threshold:  # too few pages to split: no text layer read twice
            return None
        _, _, to_ocr = plan_ocr(path, pdf, services.repairer, services.settings)
    finally:
        pdf.close()
    return to_ocr if len(to_ocr) > threshold else None


def encode(page: OcrPage) -> tuple[list, list]:
    return [list(astuple(line)) for line in page.lines], [list(word) for word in page.words]


def decode(lines: list, words: list) -> OcrPage:
    return OcrPage(tuple(Line(*line) for line in lines), tuple(tuple(word) for word in words))


def stored_numbers(engine: Engine, sha256: str) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(select(OcrPageRow.number).where(OcrPageRow.sha256 == sha256)).scalars())


def stored_pages(engine: Engine, sha256: str) -> dict[int, OcrPage]:
    with engine.connect() as conn:
        rows = conn.execute(select(OcrPageRow.number, OcrPageRow.lines, OcrPageRow.words)
                            .where(OcrPageRow.sha256 == sha256)).all()
    return {number: decode(lines, words) for number, lines, words in rows}


def open_pages(engine: Engine, sha256: str) -> set[int]:
    """Pages of the document with a page job waiting or running (the queueing lock covers only waiting ones)."""
    from pipeline.queue import PAGE_TASK

    with engine.connect() as conn:
        return {int(n) for n in conn.execute(text(
            "SELECT args->>'page' FROM procrastinate_jobs WHERE task_name = :task AND args->>'sha256' = :sha "
            "AND status IN ('todo', 'doing')"), {"task": PAGE_TASK, "sha": sha256}).scalars()}


def store_page(engine: Engine, sha256: str, number: int, page: OcrPage) -> bool:
    """Store one page's OCR once; False if it was there already (a retried or repeated page job)."""
    lines, words = encode(page)
    row = {"sha256": sha256, "number": number, "lines": lines, "words": words,
           "worker": f"{socket.gethostname()}:{os.getpid()}"}
    with engine.begin() as conn:
        done = conn.execute(insert(OcrPageRow).values(**row).on_conflict_do_nothing().returning(OcrPageRow.number))
        return done.scalar() is not None


def read_page(path: Path, number: int, services: Services) -> OcrPage:
    """Tesseract on one page of the file (rendered at its own resolution, as in-process OCR renders it)."""
    from pipeline.pdf import open_pdf

    pdf = open_pdf(path)
    try:
        return services.ocr.read_pages(pdf, [number])[number]
    finally:
        pdf.close()


@contextlib.contextmanager
def document_lock(engine: Engine, sha256: str) -> Iterator[Connection]:
    """A session advisory lock on one document, held on a connection of its own (released if the holder dies)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key, hashtext(:sha))"), {"key": PAGE_LOCK, "sha": sha256})
        conn.commit()
        try:
            yield conn
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key, hashtext(:sha))"), {"key": PAGE_LOCK, "sha": sha256})
            conn.commit()


def defer_pages(app: procrastinate.App, path: Path, sha256: str, numbers: Sequence[int], engine: Engine) -> int:
    """A page job for each page in `numbers` not stored yet; returns how many were deferred now."""
    import procrastinate.exceptions

    from pipeline.queue import PAGE_TASK

    task = app.tasks[PAGE_TASK]
    done = stored_numbers(engine, sha256) | open_pages(engine, sha256)
    deferred = 0
    for number in numbers:
        if number in done:
            continue
        try:
            task.configure(queueing_lock=f"{sha256}:{number}").defer(path=str(path), sha256=sha256, page=number,
                                                                     total=len(numbers))
            deferred += 1
        except procrastinate.exceptions.AlreadyEnqueued:  # queued a moment ago by another run of the document job
            pass
    return deferred


def assemble_when_complete(app: procrastinate.App, path: Path, sha256: str, total: int, engine: Engine) -> bool:
    """Defer the assemble job if all `total` pages are stored and none is waiting or running; True if deferred."""
    import procrastinate.exceptions

    from pipeline.queue import ASSEMBLE_TASK

    with document_lock(engine, sha256) as conn:
        stored = conn.execute(select(OcrPageRow.number).where(OcrPageRow.sha256 == sha256)).all()
        if len(stored) < total:
            return False
        busy = conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = :task AND "
                                 "queueing_lock = :lock AND status IN ('todo', 'doing')"),
                            {"task": ASSEMBLE_TASK, "lock": assemble_lock(sha256)}).scalar()
        ingested = conn.execute(text("SELECT count(*) FROM documents WHERE sha256 = :sha AND status = 'ingested'"),
                                {"sha": sha256}).scalar()
        conn.commit()
        if busy or ingested:
            return False
        try:
            app.tasks[ASSEMBLE_TASK].configure(queueing_lock=assemble_lock(sha256)).defer(path=str(path),
                                                                                          sha256=sha256)
        except procrastinate.exceptions.AlreadyEnqueued:
            return False
    return True


def assemble_lock(sha256: str) -> str:
    return f"{sha256}:assemble"
