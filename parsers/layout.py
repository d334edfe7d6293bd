"""Lines → rows the parser reasons about: cleaned text, paragraph starts, running headers/footers gone.

A PDF text layer gives font size, weight and vertical gaps; OCR and text files give only blank
lines. Both end up as the same `Row`, so the later steps work from line patterns alone and use
layout as an extra signal where it exists.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from parsers.model import Line
from parsers.normalize import clean_line, split_lines
from parsers.ocr_rows import mended_number, without_trailing_specks
from parsers.settings import DEFAULT, ParserSettings
from parsers.templates import GENERIC, Template
from parsers.vocabulary import heading_name

# a paragraph gap is at least this share of the font size (line spacing inside a paragraph is less)
PARAGRAPH_GAP = 1.0
HEAD_ROWS = 6  # rows at a page top that may be a running header
FOOT_ROWS = 3  # rows at a page bottom that may be a running footer

_PAGE_STAMP = re.compile(
    r"^(?:(?:side|page)\s*\|?\s*\d+(?:\s*(?:af|of|/)\s*\d+)?|\d+\s*(?:af|of|/)\s*\d+|[-–]?\s*\d{1,3}\s*[-–]?)$",
    re.IGNORECASE,
)
# a running line that ends in a page stamp: 'Økonomiudvalget 26.04.2017 - Side 1 af 2', 'Udvalget … – side 2'
_STAMPED_LINE = re.compile(r"^.{3,120}?(?:\s[-–|,·•]\s*|\s{2,})(?:side|page)\s*\d+(?:\s*(?:af|of|/)\s*\d+)?$",
                           re.IGNORECASE)
_CASE_LIKE = re.compile(r"^(?:[A-ZÆØÅ]{2,5}-\d{4}-\d+|sags?\.?\s?nr|punkt\s+\d)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank line, cleaned, with what the layout says about it."""

    text: str
    page: int
    para_start: bool  # a blank line or a paragraph-sized gap came before it
    bold: bool | None = None
    size: float | None = None
    indented: bool = False  # the raw line began with white space (OCR puts page-top labels so)
    raw: str = ""  # the line before cleaning (letter-spaced titles need its double spaces)
    top: float | None = None  # distance from the page top, in points (a PDF text layer only)

    @property
    def has_layout(self) -> bool:
        return self.bold is not None


def _split_line(line: Line) -> list[Line]:
    """pdfium drops the newline after a U+FFFE break mark; split such a line back in two."""
    parts = split_lines(line.text)
    if len(parts) == 1:
        return [line]
    return [Line(text=p, page=line.page, top=line.top, size=line.size, bold=line.bold,
                 gap_before=line.gap_before if i == 0 else 0.0) for i, p in enumerate(parts)]


def to_rows(lines: Sequence[Line], settings: ParserSettings = DEFAULT) -> list[Row]:
    """Clean every line, drop blanks and hidden text (set too small to read), and mark where paragraphs start."""
    rows: list[Row] = []
    blank_before = True
    for line in (part for raw in lines for part in _split_line(raw)):
        text = clean_line(line.text)
        if line.size is not None and 0 < line.size < settings.min_visible_size:
            continue
        if not text:
            blank_before = True
            continue
        gap = line.gap_before is not None and line.size is not None and line.gap_before >= PARAGRAPH_GAP * line.size
        rows.append(Row(text=text, page=line.page, para_start=blank_before or gap, bold=line.bold, size=line.size,
                        indented=line.text[:1].isspace(), raw=line.text, top=line.top))
        blank_before = False
    return _despeckled(rows)


def _despeckled(rows: list[Row]) -> list[Row]:
    """Rows without layout (OCR, plain text) without the specks OCR leaves at their ends and with their item
    numbers mended (parsers/ocr_rows.py)."""
    out: list[Row] = []
    for k, row in enumerate(rows):
        if row.has_layout:
            out.append(row)
            continue
        after = rows[k + 1] if k + 1 < len(rows) else None
        ends = after is None or after.para_start or after.page != row.page
        text = mended_number(without_trailing_specks(row.text, ends))
        out.append(row if text == row.text else replace(row, text=text))
    return out


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _structural(text: str) -> bool:
    """Case numbers and section headings start every item page in some templates; they are never furniture."""
    return bool(heading_name(text) or _CASE_LIKE.match(text))


def running_keys(rows: Sequence[Row]) -> set[str]:
    """Texts (digits masked) found at the top or bottom of at least half the pages: headers/footers."""
    by_page: dict[int, list[Row]] = {}
    for row in rows:
        by_page.setdefault(row.page, []).append(row)
    if len(by_page) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page_rows in by_page.values():
        edge = page_rows[:HEAD_ROWS] + page_rows[-FOOT_ROWS:]
        counts.update({_key(r.text) for r in edge if not _structural(r.text)})
    need = max(3, len(by_page) // 2)
    return {key for key, n in counts.items() if n >= need}


def is_page_furniture(row: Row, position: int, page_len: int, keys: set[str],
                      template: Template = GENERIC) -> bool:
    """A page stamp, running header or footer at a page edge (position counts from the page top)."""
    text = row.text
    if (template if template.furniture else GENERIC).is_furniture(text):
        return True
    at_edge = position < HEAD_ROWS or position >= page_len - FOOT_ROWS
    if not at_edge:
        return False
    if _key(text) in keys:
        return True
    if _STAMPED_LINE.match(text):
        return True  # 'Klima- og Planudvalget 09.01.2020 - Side 1 af 2': a footer line that ends in its page stamp
    # a bare page number or 'Side 3' / '2 of 5' stamp (a displaced item label keeps its dot: '3.3.')
    return bool(_PAGE_STAMP.match(text)) and row.has_layout


def _text_top(pages: dict[int, list[Row]]) -> float | None:
    """Where the text block starts: the highest first row set at the body size or larger, over all pages."""
    sizes = Counter(round(r.size, 1) for page in pages.values() for r in page if r.size)
    if not sizes:
        return None
    body = sizes.most_common(1)[0][0]
    tops = [next((r.top for r in page if r.size and r.size >= body - 0.5 and r.top is not None), None)
            for page in pages.values()]
    found = [t for t in tops if t is not None]
    return min(found) if found else None


def in_top_margin(row: Row, position: int, text_top: float | None, body_size: float | None) -> bool:
    """A running header printed on one page only (page 2 of a 2-page document): the page's first row, set
    smaller than the body text, in the margin above where the text block starts on every page."""
    return bool(position == 0 and row.page > 1 and text_top is not None and body_size and row.top is not None
                and row.size and not row.bold and row.size < body_size - 0.5 and row.top + row.size < text_top)


MAX_LINK_CHARS = 30  # 'Til toppen', 'Se alle bilag': a web page's link printed with every item


def link_rows(rows: Sequence[Row], body_size: float | None) -> set[str]:
    """Texts of short rows set smaller than the body, printed identically at least twice, each time (one may
    differ) right next to a row set larger than the body (an item title) or last in the document: a link or
    label of the layout ('Til toppen' after each item, 'Se alle bilag' under each title), not text.
    Case-number, status and closed-marker rows stay."""
    if body_size is None:
        return set()

    def small(row: Row) -> bool:
        return bool(row.size and row.size < body_size - 0.5 and len(row.text) <= MAX_LINK_CHARS
                    and not re.search(r"[.:;,!?]$|\d", row.text) and not _structural(row.text)
                    and not any(p.match(row.text) for p in GENERIC.ignore) and "lukket" not in row.text.casefold())

    def large(k: int) -> bool:
        return 0 <= k < len(rows) and bool(rows[k].size and rows[k].size > body_size + 0.5)

    counts: Counter[str] = Counter()
    beside: Counter[str] = Counter()
    for k, row in enumerate(rows):
        if small(row):
            counts[row.text] += 1
            beside[row.text] += large(k - 1) or large(k + 1) or k == len(rows) - 1
    return {text for text, n in counts.items() if n >= 2 and beside[text] >= max(2, n - 1)}


def strip_furniture(rows: Sequence[Row], template: Template = GENERIC) -> list[Row]:
    """Rows without running headers, footers and page stamps."""
    keys = running_keys(rows)
    pages: dict[int, list[Row]] = {}
    for row in rows:
        pages.setdefault(row.page, []).append(row)
    text_top = _text_top(pages)
    sizes = Counter(round(r.size, 1) for r in rows if r.size)
    body_size = sizes.most_common(1)[0][0] if sizes else None
    links = link_rows(rows, body_size)
    kept: list[Row] = []
    for page_rows in pages.values():
        for i, row in enumerate(page_rows):
            if not (is_page_furniture(row, i, len(page_rows), keys, template)
                    or in_top_margin(row, i, text_top, body_size) or row.text in links):
                kept.append(row)
    return kept
