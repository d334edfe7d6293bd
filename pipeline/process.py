"""One PDF in, one parsed document out: the whole pipeline before storage, with no database and no index.

`ingest` stores what this returns; the golden tests and the benchmarks call it directly, so all three run
the same steps. Every exception a PDF library raises on the file's content becomes the file's InputFileError.
"""
from __future__ import annotations

import functools
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.document import parse_document
from parsers.model import Meeting, Page
from parsers.repair import Repairer
from pipeline import steps
from pipeline.config import Settings
from pipeline.errors import MoedearkivError, OcrError, TooLargeError
from pipeline.extract import read_text_layer
from pipeline.ocr import OcrPage, page_resolution
from pipeline.pdf import library_failure, open_pdf, sha256_of
from pipeline.tables import FoundTable, attach_tables, drop_table_lines, find_tables

log = logging.getLogger(__name__)


class PageReader(Protocol):
    """What process_pdf needs of an OCR engine (pipeline.ocr.OcrEngine, or a replaying fake in tests)."""

    def read_pages(self, pdf: pdfium.PdfDocument, numbers: list[int]) -> dict[int, OcrPage]: ...


@dataclass(frozen=True, slots=True)
class ProcessedDocument:
    """Everything storage needs of one file."""

    path: Path
    sha256: str
    pages: tuple[Page, ...]
    tables: tuple[FoundTable, ...]
    meeting: Meeting

    @property
    def raw_texts(self) -> dict[tuple[int, int], str]:
        """Each section's text in the damaged spelling, where a repair changed it (indexed beside the repair)."""
        return steps.section_raw_texts(self.meeting.items, steps.damaged_spellings(list(self.pages)))


def process_pdf(path: Path, ocr: PageReader, repairer: Repairer, settings: Settings,
                sha256: str | None = None) -> ProcessedDocument:
    """Extract, judge, OCR, repair, find tables and parse one PDF; raises the file's InputFileError."""
    try:
        with time_limit(settings.max_file_seconds, path):
            pages = extract_pages(path, ocr, repairer, settings)
            tables = find_tables(path, pages)
            meeting = parse(path, pages, tables)
    except (MoedearkivError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as err:
        failure = library_failure(path, err)
        if failure is None:
            raise
        raise failure from err
    # the layout lines have served (parse, tables); storage keeps none of them, and a pool worker's result
    # was mostly lines (172 of 240 KB a document pickled, 0.36 CPU s on the 2,000-page batch, both ends)
    stored = tuple(replace(page, lines=()) for page in pages)
    return ProcessedDocument(path=path, sha256=sha256 or sha256_of(path), pages=stored, tables=tuple(tables),
                             meeting=meeting)


def extract_pages(path: Path, ocr: PageReader, repairer: Repairer, settings: Settings) -> list[Page]:
    """Text layer where it is good, Danish OCR where there is none or a non-Danish OCR wrote it, repair otherwise."""
    pdf = open_pdf(path)
    try:
        pages, damaged, to_ocr = plan_ocr(path, pdf, repairer, settings)
        try:
            pages = steps.ocr(pdf, pages, to_ocr, ocr)
        except OcrError as err:  # the engine names the page, not the file
            raise type(err)(f"{path}: {err.message}") from err
    finally:
        pdf.close()
    return steps.repair(pages, damaged, repairer)


def plan_ocr(path: Path, pdf: pdfium.PdfDocument, repairer: Repairer,
             settings: Settings) -> tuple[list[Page], frozenset[int], list[int]]:
    """The text layer, its damaged pages and the pages to OCR (checked against the limits); the queue's page
    jobs (pipeline/page_jobs.py) split a document by the same plan."""
    if len(pdf) > settings.max_pages:
        raise TooLargeError(f"{path}: {len(pdf)} pages, more than the limit of {settings.max_pages}")
    pages = read_text_layer(pdf, check=functools.partial(check_page_objects, path, len(pdf),
                                                         settings.max_page_objects))
    check_text_size(path, pages, settings.max_page_text_chars)
    damaged = steps.damaged_pages(pages, repairer)
    to_ocr = steps.pages_to_ocr(pages, damaged, settings.min_text_chars)
    check_render_size(path, pdf, to_ocr, settings)
    check_image_size(path, pdf, to_ocr, settings.max_image_megabytes)
    return pages, damaged, to_ocr


def parse(path: Path, pages: list[Page], tables: list[FoundTable]) -> Meeting:
    """Items and sections from the text outside the tables; each table then joins the item it lies in."""
    pages = drop_table_lines(pages, tables)
    return attach_tables(parse_document(steps.document_lines(pages), path.name), tables, pages)


def check_text_size(path: Path, pages: list[Page], limit: int) -> None:
    for page in pages:
        if len(page.text) > limit:
            raise TooLargeError(f"{path}: page {page.number} has {len(page.text):,} characters of text, more than "
                                f"the limit of {limit:,}", _without_page_hint(page.number, len(pages)))


def check_render_size(path: Path, pdf: pdfium.PdfDocument, numbers: list[int], settings: Settings) -> None:
    """Refuse, before rendering, a page whose OCR image would not fit the memory bound even at a lower dpi
    (the OCR engine renders each page at the resolution checked here: pipeline.ocr.page_resolution)."""
    for number in numbers:
        try:
            page_resolution(pdf, number, settings.ocr_dpi, settings.max_page_megapixels)
        except TooLargeError as err:
            raise TooLargeError(f"{path}: {err.message}", _without_page_hint(number, len(pdf))) from None


def check_page_objects(path: Path, pages: int, limit: int, number: int, page: pdfium.PdfPage) -> None:
    """Refuse page `number` (of `pages`) drawn with more objects than `limit` (millions of text runs or paths:
    the table step's pdfminer would hold a Python object for each, gigabytes), before its text is read; the
    count costs nothing once pdfium has loaded the page."""
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    if count > limit:
        raise TooLargeError(f"{path}: page {number} is drawn with {count:,} objects, more than the limit of "
                            f"{limit:,}", _without_page_hint(number, pages))


def _without_page_hint(number: int, pages: int) -> str:
    """The qpdf command that copies the file without page `number` (qpdf 11.3 has no page exclusion); no hint
    for a file of that one page."""
    ranges = ",".join(r for r in (f"1-{number - 1}" if number > 1 else "", f"{number + 1}-z" if number < pages else "")
                      if r)
    return f"leave the page out and ingest the rest: qpdf IN.pdf --pages . {ranges} -- OUT.pdf" if ranges else ""


def check_image_size(path: Path, pdf: pdfium.PdfDocument, numbers: list[int], limit_mb: float) -> None:
    """Refuse, before rendering, a page whose images pdfium would decode into more than `limit_mb` of memory
    (rendering decodes each image whole, at its own size, whatever the resolution of the output)."""
    for number in numbers:
        page = pdf[number - 1]
        try:
            images = [(obj.get_px_size(), obj.get_metadata().bits_per_pixel)
                      for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4)]
        finally:
            page.close()
        decoded = sum(w * h * max(1, -(-bits // 8)) for (w, h), bits in images) / 1e6
        if decoded > limit_mb:
            (w, h), _ = max(images, key=lambda image: image[0][0] * image[0][1])
            raise TooLargeError(f"{path}: page {number} holds images of {decoded:,.0f} MB decoded (the largest "
                                f"{w:,} x {h:,} pixels), more than the limit of {limit_mb:,.0f} MB",
                                "; or ".join(filter(None, ["scan or export the page again at 300 dpi",
                                                           _without_page_hint(number, len(pdf))])))


class FileTimeout(TooLargeError):
    hint = "split the file (qpdf --pages) and ingest the parts"


@contextmanager
def time_limit(seconds: float, path: Path) -> Iterator[None]:
    """A FileTimeout once `seconds` have passed (checked between Python steps; SIGALRM, main thread only)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise FileTimeout(f"{path}: took more than {seconds:.0f} s to read")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

