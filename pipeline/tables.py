"""Ruled tables kept as rows: found with pdfplumber, taken out of the parser's lines, attached to their item.

pdfplumber's table finder is good but its char parsing is ~100x slower than pypdfium2, so a cheap pypdfium2
look at each page's vector graphics decides first which pages could hold a ruled table at all; only those are
opened with pdfplumber. Only rules that can be seen count: Word draws white cell backgrounds for borderless
layout tables (a list of 'A) ... godkendes.' proposals), and those are text, not tables.
"""
from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber

from parsers.model import Item, Meeting, Page, Table
from parsers.normalize import clean_line, join_lines

log = logging.getLogger(__name__)

MIN_RULE_SEGMENTS = 8  # path segments on a page below which no ruled table (2x2 cells at least) can be drawn
COLUMN_TOLERANCE = 8.0  # points: Word's cell padding is ~5-6 pt, real columns are wider than this
_WHITE = 0.98
_GRAPHICS = frozenset({"rect", "line", "curve"})


@dataclass(frozen=True, slots=True)
class FoundTable:
    """A table on one page: its vertical span (points from the page top) and its cleaned cell text."""

    page: int  # 1-based
    top: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]


def find_tables(path: Path, pages: Sequence[Page], min_segments: int = MIN_RULE_SEGMENTS) -> list[FoundTable]:
    """Ruled tables on the born-digital pages (source 'text') of the PDF at `path`."""
    candidates = ruled_pages(pages, min_segments)
    if not candidates:
        return []
    found: list[FoundTable] = []
    with pdfplumber.open(path) as pdf:
        if len(pdf.pages) != len(pages):  # a damaged cross-reference table pdfium rebuilt and pdfminer did not
            log.warning("%s: pdfminer reads %d pages, pdfium %d: tables not looked for", path, len(pdf.pages),
                        len(pages))
            return []
        for number in candidates:
            page = pdf.pages[number - 1]
            for table in page.filter(_is_visible).find_tables():
                lefts = [[None if cell is None else cell[0] for cell in row.cells] for row in table.rows]
                rows = clean_rows(align_columns(table.extract(), lefts))
                if is_table(rows):
                    found.append(FoundTable(page=number, top=round(table.bbox[1], 1), bottom=round(table.bbox[3], 1),
                                            rows=rows))
            page.close()
    return found


def ruled_pages(pages: Sequence[Page], min_segments: int = MIN_RULE_SEGMENTS) -> list[int]:
    """Text-layer pages with enough vector path segments to draw a grid (counted at extraction, no reopening)."""
    return [p.number for p in pages if p.source == "text" and p.rule_segments >= min_segments]


def _is_white(color: object) -> bool:
    """Gray 1, RGB (1,1,1) or CMYK (0,0,0,0); unknown colour spaces (patterns) count as visible."""
    values = color if isinstance(color, (tuple, list)) else (color,)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False
    if len(values) == 4:
        return all(v <= 1 - _WHITE for v in values)
    return all(v >= _WHITE for v in values)


def _is_visible(obj: dict) -> bool:
    """Keep text and every graphic that leaves a mark: a non-white stroke or fill."""
    if obj.get("object_type") not in _GRAPHICS:
        return True
    stroked = bool(obj.get("stroke")) and not _is_white(obj.get("stroking_color"))
    filled = bool(obj.get("fill")) and not _is_white(obj.get("non_stroking_color"))
    return stroked or filled


def align_columns(texts: Sequence[Sequence[str | None]], lefts: Sequence[Sequence[float | None]],
                  tolerance: float = COLUMN_TOLERANCE) -> list[list[str]]:
    """Cells placed in the table's visible columns rather than pdfplumber's grid.

    Word tables often give header rows thin padding cells, so the grid has a column boundary a few points
    left of the body's; a grid-column header 'Sag' would then sit beside, not above, its column. Columns are
    the clusters of the left edges of cells that hold text (within `tolerance`); each text cell goes to the
    column its left edge falls in, two cells of a row in one column are joined."""
    edges = sorted({left for row_texts, row_lefts in zip(texts, lefts, strict=True)
                    for text, left in zip(row_texts, row_lefts, strict=True) if text and left is not None})
    starts: list[float] = []
    previous: float | None = None
    for edge in edges:
        if previous is None or edge - previous > tolerance:
            starts.append(edge)
        previous = edge
    out = []
    for row_texts, row_lefts in zip(texts, lefts, strict=True):
        row = [""] * len(starts)
        for text, left in zip(row_texts, row_lefts, strict=True):
            if text and left is not None:
                column = bisect_right(starts, left) - 1
                row[column] = f"{row[column]}\n{text}" if row[column] else text
        out.append(row)
    return out


def clean_cell(cell: str | None) -> str:
    """A cell's lines cleaned and joined as one paragraph (line-end hyphenation mended)."""
    if not cell:
        return ""
    return join_lines([clean_line(line) for line in cell.split("\n")])


def clean_rows(raw: Sequence[Sequence[str | None]]) -> tuple[tuple[str, ...], ...]:
    """Cleaned cells without the rows and columns that are empty throughout (merged cells leave those)."""
    rows = [[clean_cell(cell) for cell in row] for row in raw]
    rows = [row for row in rows if any(row)]
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    keep = [c for c in range(width) if any(row[c] for row in rows)]
    return tuple(tuple(row[c] for c in keep) for row in rows)


def is_table(rows: tuple[tuple[str, ...], ...]) -> bool:
    """At least two rows and two columns of text; a single row or column is a framed paragraph."""
    return len(rows) >= 2 and len(rows[0]) >= 2


def drop_table_lines(pages: Sequence[Page], tables: Sequence[FoundTable]) -> list[Page]:
    """The pages without the lines that lie inside a table, so cells are not read as section text.

    Only `lines` (what the parser reads) change; the page text stays whole for storage and page search."""
    spans: dict[int, list[tuple[float, float]]] = {}
    for table in tables:
        spans.setdefault(table.page, []).append((table.top, table.bottom))
    out = []
    for page in pages:
        page_spans = spans.get(page.number)
        if not page_spans:
            out.append(page)
            continue
        kept = tuple(line for line in page.lines
                     if line.top is None or not any(top <= line.top <= bottom for top, bottom in page_spans))
        out.append(replace(page, lines=kept))
    return out


def attach_tables(meeting: Meeting, tables: Sequence[FoundTable], pages: Sequence[Page] = ()) -> Meeting:
    """Each table to the item it lies in; tables before the first item or in documents without items stay loose.

    An item's position is its page and the top of its title line on that page (found in `pages`); without it
    an item is taken to start at the top of its first page."""
    if not tables:
        return meeting
    starts = [item_start(item, pages) for item in meeting.items]
    per_item: dict[int, list[Table]] = {}
    loose: list[Table] = []
    for table in sorted(tables, key=lambda t: (t.page, t.top)):
        owner = _owner(meeting.items, starts, table)
        target = loose if owner is None else per_item.setdefault(owner, [])
        target.append(Table(page=table.page, rows=table.rows))
    items = tuple(replace(item, tables=item.tables + tuple(per_item[k])) if k in per_item else item
                  for k, item in enumerate(meeting.items))
    return replace(meeting, items=items, tables=meeting.tables + tuple(loose))


def _owner(items: Sequence[Item], starts: Sequence[tuple[int, float]], table: FoundTable) -> int | None:
    """The last item whose page span holds the table's page and which starts at or before the table."""
    owner = None
    for k, item in enumerate(items):
        if item.page_start is None:
            continue
        last_page = item.page_end or item.page_start
        if item.page_start <= table.page <= last_page and starts[k] <= (table.page, table.top):
            owner = k
    return owner


def item_start(item: Item, pages: Sequence[Page]) -> tuple[int, float]:
    """(page, top) of the item's first line: the line on its first page that holds its title or case number."""
    page_number = item.page_start or 0
    page = next((p for p in pages if p.number == page_number), None)
    if page is None:
        return page_number, 0.0
    keys = [_fold(item.title)[:30], _fold(item.case_number or "")]
    for key in filter(None, keys):
        for line in page.lines:
            if line.top is not None and key in _fold(line.text):
                return page_number, line.top
    return page_number, 0.0


def _fold(text: str) -> str:
    return " ".join(clean_line(text).casefold().split())
