"""The ingest steps between extraction and storage: choose OCR pages, repair damaged text layers."""
from __future__ import annotations

import re
from dataclasses import replace

import pypdfium2 as pdfium

from parsers.model import Item, Line, Page
from parsers.repair import Repairer
from pipeline.extract import visible_chars
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
    """Pages with an image and no usable text layer: none at all, or one written by a non-Danish OCR."""
    return [p.number for p in pages
            if p.has_image and (visible_chars(p.text) < min_text_chars or p.number in damaged)]


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
    """Repair text-layer pages that a non-Danish OCR wrote (no image to OCR again); line layout is kept."""
    out = []
    for page in pages:
        if page.source != "text" or page.number not in damaged:
            out.append(page)
            continue
        result = repairer.repair(page.text)
        new_texts = result.text.split("\n")
        if len(new_texts) == len(page.lines):
            lines = tuple(replace(line, text=t) for line, t in zip(page.lines, new_texts, strict=True))
        else:
            lines = tuple(replace(line, text=repairer.repair(line.text).text) for line in page.lines)
        out.append(replace(page, text=result.text, source="repaired", repairs=result.repairs, lines=lines))
    return out


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
