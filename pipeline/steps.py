"""The ingest steps between extraction and storage: choose OCR pages, repair damaged text layers."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pypdfium2 as pdfium

from parsers.model import Item, Line, Page
from pipeline.extract import visible_chars
from pipeline.text_noise import garbled

if TYPE_CHECKING:
    from parsers.repair import Repairer
    from pipeline.ocr import OcrEngine

_DANISH_LETTER = re.compile("[æøåÆØÅ]")


def damaged_pages(pages: list[Page], repairer: Repairer) -> frozenset[int]:
    """Pages whose text layer a non-Danish OCR wrote.

    One program OCR'd the whole document, so when its text layer as a whole looks damaged, the short
    pages that are too small to judge alone count as damaged too, unless they have æ/ø/å."""
    judged = {p.number: (p, repairer.quality(p.text)) for p in pages if p.source == "text" and p.text.strip()}
    whole = repairer.combined(q for _, q in judged.values()).damaged
    return frozenset(n for n, (page, quality) in judged.items()
                     if quality.damaged or (whole and not _DANISH_LETTER.search(page.text)))


def pages_to_ocr(pages: list[Page], damaged: frozenset[int], min_text_chars: int) -> list[int]:
    """Pages with an image and no usable text layer (none at all, or one written by a non-Danish OCR), and any
    page whose text layer decodes to garbage (a broken font map or content stream: its rendering still reads)."""
    return [p.number for p in pages
            if (p.has_image and (visible_chars(p.text) < min_text_chars or p.number in damaged)) or garbled(p.text)]


def ocr(pdf: pdfium.PdfDocument, pages: list[Page], numbers: list[int], engine: OcrEngine) -> list[Page]:
    """Replace the chosen pages' text by Tesseract's; the old text layer stays as raw_text."""
    read = engine.read_pages(pdf, numbers)
    out = []
    for page in pages:
        result = read.get(page.number)
        if result is None:
            out.append(page)
            continue
        text = "\n".join(line.text for line in result.lines)
        out.append(replace(page, text=text, raw_text=page.raw_text or text, source="ocr", lines=result.lines,
                           words=result.words))
    return out


def repair(pages: list[Page], damaged: frozenset[int], repairer: Repairer) -> list[Page]:
    """Repair text-layer pages that a non-Danish OCR wrote (no image to OCR again); line layout is kept.

    The damaged pages are repaired as one text, as `moedearkiv normalize` repairs a document: one verdict
    (the document's), one body of evidence (a word spelt right on one page settles it on another), and
    pdfium's break marks inside a line ('hovedstadsomra\ufffedet') read as the line-end hyphens they are."""
    chosen = [p for p in pages if p.source == "text" and p.number in damaged]
    if not chosen:
        return pages
    laid_out = [paragraph_breaks(p) for p in chosen]
    texts = [marked_breaks(text) for text, _ in laid_out]
    if any(PAGE_BREAK.strip() in t for t in texts):  # cannot split back safely: repair page by page
        fixed = [repairer.repair(t, damaged=True).text for t in texts]
    else:
        fixed = repairer.repair(PAGE_BREAK.join(texts), damaged=True).text.split(PAGE_BREAK)
    repaired = {p.number: (p, without_lines(restored_breaks(t), added))
                for p, t, (_, added) in zip(chosen, fixed, laid_out, strict=True)}
    return [_repaired_page(*repaired[p.number], repairer) if p.number in repaired else p for p in pages]


PAGE_BREAK = "\n\n\x0c\n\n"  # between pages repaired as one text: a blank line, so a new sentence
# A break mark inside a line becomes '-' + a line break the repairer sees (and joins the word across);
# the vertical tab after it is whitespace to the repairer and marks where to put the break mark back.
_BREAK_IN_LINE = re.compile("([\ufffe\u00ad])(?=\\S)")
_MARKS = {"\ufffe": "\x0b", "\u00ad": "\x1f"}


def paragraph_breaks(page: Page) -> tuple[str, frozenset[int]]:
    """The page's text with a blank line where the layout shows a paragraph or heading ends (a plain text
    file has one there, a PDF a gap or a bold line), so the repairer knows where sentences start; and the
    indices of the blank lines added, to take them out again. Repair keeps every line break."""
    if page.text != "\n".join(line.text for line in page.lines):
        return page.text, frozenset()
    out: list[str] = []
    added: set[int] = set()
    prev = None
    for line in page.lines:
        if prev is not None and prev.text.strip() and line.text.strip() and _paragraph_starts(prev, line):
            added.add(len(out))
            out.append("")
        out.append(line.text)
        prev = line
    return "\n".join(out), frozenset(added)


def _paragraph_starts(prev: Line, line: Line) -> bool:
    after_heading = bool(prev.bold) and not line.bold and len(prev.text) < 80
    big_gap = line.gap_before is not None and line.size is not None and line.gap_before >= 1.5 * line.size
    return after_heading or big_gap


def without_lines(text: str, indices: frozenset[int]) -> str:
    if not indices:
        return text
    return "\n".join(t for i, t in enumerate(text.split("\n")) if i not in indices)


def marked_breaks(text: str) -> str:
    return _BREAK_IN_LINE.sub(lambda m: "-\n" + _MARKS[m.group(1)], text)


def restored_breaks(text: str) -> str:
    for mark, tag in _MARKS.items():
        text = text.replace("-\n" + tag, mark)
    return text


def _repaired_page(page: Page, text: str, repairer: Repairer) -> Page:
    repairs = sum(1 for old, new in zip(_WORD.findall(page.text), _WORD.findall(text), strict=False) if old != new)
    new_texts = text.split("\n")
    if len(new_texts) == len(page.lines):
        lines = tuple(replace(line, text=t) for line, t in zip(page.lines, new_texts, strict=True))
    else:
        lines = tuple(replace(line, text=repairer.repair(line.text).text) for line in page.lines)
    return replace(page, text=text, source="repaired", repairs=repairs, lines=lines)


def document_lines(pages: list[Page]) -> list[Line]:
    return [line for page in pages for line in page.lines]


_WORD = re.compile(r"\S+")


def damaged_spellings(pages: list[Page]) -> dict[str, str]:
    """repaired word → the damaged word it was, over the repaired pages (word counts are kept by repair)."""
    mapping: dict[str, str] = {}
    for page in pages:
        if page.source != "repaired":
            continue
        for fixed, raw in zip(_WORD.findall(page.text), _WORD.findall(page.raw_text), strict=False):
            if fixed != raw:
                mapping.setdefault(fixed, raw)
    return mapping


def section_raw_texts(items: tuple[Item, ...], spellings: dict[str, str]) -> dict[tuple[int, int], str]:
    """Each section's text in the damaged spelling, where it had one, so searches in that spelling find it."""
    if not spellings:
        return {}
    raw: dict[tuple[int, int], str] = {}
    for i, item in enumerate(items):
        for j, section in enumerate(item.sections):
            damaged = _WORD.sub(lambda m: spellings.get(m.group(0), m.group(0)), section.text)
            if damaged != section.text:
                raw[(i, j)] = damaged
    return raw
