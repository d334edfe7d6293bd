"""Typed data that passes between the ingest steps.

Everything here is a frozen dataclass: a step gets one, returns a new one, and nothing
downstream can change what an earlier step decided.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PageSource = Literal["text", "ocr", "repaired"]
Kind = Literal["dagsorden", "referat", "bilag", "andet"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a page, with the layout facts a PDF gives (None where unknown: OCR, text files)."""

    text: str
    page: int
    top: float | None = None  # distance from the top of the page, in points
    size: float | None = None  # font size of the line's first glyphs, in points
    bold: bool | None = None
    gap_before: float | None = None  # vertical white space above the line, in points


@dataclass(frozen=True, slots=True)
class Page:
    """A page as extracted: `raw_text` is what the text layer or OCR said, `text` the repaired text."""

    number: int  # 1-based
    text: str
    source: PageSource = "text"  # text layer, fresh OCR, or a damaged text layer that was repaired
    raw_text: str = ""
    repairs: int = 0
    lines: tuple[Line, ...] = ()
    has_image: bool = False
    rule_segments: int = 0  # vector path segments (ruling lines), counted up to a cap: a hint of a ruled table
    # OCR'd pages only: Tesseract's words as (text, x0, y0, x1, y1), fractions 0..1 of the page, origin top-left
    words: tuple[tuple[str, float, float, float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    name: str  # canonical: Resumé, Baggrund, Sagsfremstilling, Indstilling, Beslutning, Bilag, or the heading
    text: str
    page_start: int | None = None
    page_end: int | None = None
    heading: str | None = None  # the heading as written, e.g. 'Beslutning i Udvalget ... den 10-04-2013'


@dataclass(frozen=True, slots=True)
class Table:
    page: int
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Item:
    number: str  # '3.2' or '7'
    title: str
    heading: str | None = None  # title of the group ('3. Regionalpolitiske sager')
    case_number: str | None = None
    case_initials: str | None = None
    sections: tuple[Section, ...] = ()
    attachments: tuple[str, ...] = ()
    closed: bool = False
    page_start: int | None = None
    page_end: int | None = None
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class Participant:
    name: str
    party: str | None = None
    municipality: str | None = None
    status: Literal["present", "absent"] = "present"
    substitute_for: str | None = None
    role: str | None = None  # 'formand', 'næstformand', ...


@dataclass(frozen=True, slots=True)
class TocEntry:
    number: str
    title: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    kind: Kind
    body: str | None = None
    date: str | None = None  # ISO 8601
    start_time: str | None = None  # HH:MM
    location: str | None = None
    participants: tuple[Participant, ...] = ()
    toc: tuple[TocEntry, ...] = ()
    items: tuple[Item, ...] = ()
    tables: tuple[Table, ...] = field(default=())  # tables outside any item (reports)
    template: str = "generic"  # the agenda system the parser recognised (parsers/templates)
