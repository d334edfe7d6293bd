"""Entry point: lines of a document → a Meeting (metadata, participants, toc, items with sections).

One pipeline for every template: rows (layout.py), toc (toc.py), case-number anchors and headings
(items.py), sections (sections.py) and attachments (attachments.py), metadata last because the
kind depends on what was found.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from parsers.attachments import attachments
from parsers.items import Anchor, Heading, closed_title, find_anchors, group_break, number_items, read_heading
from parsers.layout import Row, strip_furniture, to_rows
from parsers.metadata import meeting_facts
from parsers.model import Item, Line, Meeting, Section, TocEntry
from parsers.numbered import NumberedHeading, numbered_headings
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
        items.append(_item(rows, number, heading.title, group_title, heading.start, anchor.row + 1, end,
                           anchor.case_number, anchor.initials))
    return items


def _closed_decision(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """A closed item's minutes print only the decision, under no heading: that text is its decision."""
    if not sections or sections[0].heading is not None or any(s.name == "Beslutning" for s in sections):
        return sections
    return (replace(sections[0], name="Beslutning"),) + sections[1:]


def _item(rows: Sequence[Row], number: str, heading_title: str, group_title: str | None, start: int,
          content_start: int, end: int, case_number: str | None = None, initials: str | None = None) -> Item:
    content = rows[content_start:end]
    title, closed = closed_title(heading_title)
    sections = split_sections(content)
    if closed:
        sections = _closed_decision(sections)
    return Item(
        number=number, title=title, heading=group_title, case_number=case_number, case_initials=initials,
        sections=sections, attachments=attachments(section_rows(content, "Bilag")), closed=closed,
        page_start=rows[start].page, page_end=rows[end - 1].page if end > content_start else None,
    )


def _numbered_items(rows: Sequence[Row], headings: Sequence[NumberedHeading], toc: Sequence[TocEntry]) -> list[Item]:
    """Items from numbered heading rows; in a 'group.item' numbering the bare group rows title their items."""
    hierarchical = any("." in h.number for h in headings)
    toc_groups = {e.number: e.title for e in toc if "." not in e.number}
    groups: dict[str, str] = {}
    items: list[Item] = []
    for k, heading in enumerate(headings):
        if hierarchical and "." not in heading.number:
            groups[heading.number] = heading.title
            continue
        end = headings[k + 1].row if k + 1 < len(headings) else len(rows)
        end = _content_end(rows, heading.content_start, end)
        group = heading.number.split(".")[0] if hierarchical else None
        group_title = groups.get(group) or toc_groups.get(group) if group else None
        items.append(_item(rows, heading.number, heading.title, group_title, heading.row, heading.content_start, end))
    return items


def parse_document(lines: Sequence[Line], filename: str) -> Meeting:
    """Parse one document. `filename` is only context (never used to guess content)."""
    raw_rows = to_rows(lines)
    rows = strip_furniture(raw_rows)
    anchors = find_anchors(rows, frozenset())
    toc = find_toc(rows, anchors[0].row if anchors else min(len(rows), 120))
    anchors = [a for a in anchors if a.row not in toc.rows]
    low = max(toc.rows) + 1 if toc.rows else 0
    numbered = [] if anchors else numbered_headings(rows, toc.entries, toc.rows)
    items = _items(rows, anchors, toc.entries, low) if anchors else _numbered_items(rows, numbered, toc.entries)
    has_decisions = any(s.name == "Beslutning" and s.text for item in items for s in item.sections)
    facts = meeting_facts(raw_rows, bool(items), has_decisions)
    first_item = anchors[0].row if anchors else numbered[0].row if items else min(len(rows), FRONT_MATTER_ROWS)
    return Meeting(
        kind=facts.kind, body=facts.body, date=facts.date, start_time=facts.start_time, location=facts.location,
        participants=find_participants(rows[:first_item]), toc=toc.entries if items else (), items=tuple(items),
    )
