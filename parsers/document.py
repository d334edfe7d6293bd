"""Entry point: lines of a document → a Meeting (metadata, participants, toc, items with sections).

One pipeline for every template: rows (layout.py), toc (toc.py), case-number anchors and headings
(items.py), sections (sections.py) and attachments (attachments.py), metadata last because the
kind depends on what was found.
"""
from __future__ import annotations

from collections.abc import Sequence

from parsers.attachments import attachments
from parsers.items import Anchor, Heading, closed_title, find_anchors, group_break, number_items, read_heading
from parsers.layout import Row, strip_furniture, to_rows
from parsers.metadata import meeting_facts
from parsers.model import Item, Line, Meeting, TocEntry
from parsers.participants import find_participants
from parsers.sections import section_rows, split_sections
from parsers.toc import find_toc

FRONT_MATTER_ROWS = 150  # without items, participants are only looked for on the first pages
END_MARKERS = frozenset({"underskriftsside", "underskrifter", "mødet hævet", "lukket referat", "lukket dagsorden"})


def lines_from_text(text: str) -> list[Line]:
    """Plain text (a .txt file or OCR output) → lines; pages split on form feed, no layout."""
    lines: list[Line] = []
    for number, page in enumerate(text.split("\f"), start=1):
        lines.extend(Line(text=line, page=number) for line in page.replace("\r\n", "\n").split("\n"))
    return lines


def _content_end(rows: Sequence[Row], start: int, end: int) -> int:
    for k in range(start, end):
        if rows[k].text.casefold().rstrip(" :") in END_MARKERS:
            return k
    return end


def _items(rows: Sequence[Row], anchors: Sequence[Anchor], toc: Sequence[TocEntry], low: int) -> list[Item]:
    headings: list[Heading] = []
    previous = low
    for anchor in anchors:
        headings.append(read_heading(rows, anchor.row, previous))
        previous = anchor.row + 1
    numbers = number_items(rows, anchors, headings, toc)
    items: list[Item] = []
    for k, (anchor, heading, (number, group_title)) in enumerate(zip(anchors, headings, numbers, strict=True)):
        end = headings[k + 1].start if k + 1 < len(anchors) else len(rows)
        end = _content_end(rows, anchor.row + 1, end)
        if "." in number:
            end = group_break(rows, anchor.row + 1, end, int(number.split(".")[0]), toc)
        content = rows[anchor.row + 1:end]
        title, closed = closed_title(heading.title)
        items.append(Item(
            number=number, title=title, heading=group_title, case_number=anchor.case_number,
            case_initials=anchor.initials, sections=split_sections(content),
            attachments=attachments(section_rows(content, "Bilag")), closed=closed,
            page_start=rows[heading.start].page, page_end=rows[end - 1].page if end > anchor.row + 1 else None,
        ))
    return items


def parse_document(lines: Sequence[Line], filename: str) -> Meeting:
    """Parse one document. `filename` is only context (never used to guess content)."""
    raw_rows = to_rows(lines)
    rows = strip_furniture(raw_rows)
    anchors = find_anchors(rows, frozenset())
    toc = find_toc(rows, anchors[0].row if anchors else min(len(rows), 120))
    anchors = [a for a in anchors if a.row not in toc.rows]
    low = max(toc.rows) + 1 if toc.rows else 0
    items = _items(rows, anchors, toc.entries, low) if anchors else []
    has_decisions = any(s.name == "Beslutning" and s.text for item in items for s in item.sections)
    facts = meeting_facts(raw_rows, bool(items), has_decisions)
    first_item = anchors[0].row if anchors else min(len(rows), FRONT_MATTER_ROWS)
    return Meeting(
        kind=facts.kind, body=facts.body, date=facts.date, start_time=facts.start_time, location=facts.location,
        participants=find_participants(rows[:first_item]), toc=toc.entries if items else (), items=tuple(items),
    )
