"""Entry point: lines of a document → a Meeting (metadata, participants, toc, items with sections).

One pipeline for every template: rows (layout.py), toc (toc.py), case-number anchors and headings
(items.py), sections (sections.py) and attachments (attachments.py), metadata last because the
kind depends on what was found.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from parsers.attachments import attachments
from parsers.headings import learned_headings, merged, shaped_headings, styled_headings
from parsers.items import Anchor, Heading, closed_title, find_anchors, group_break, number_items, read_heading
from parsers.layout import Row, strip_furniture, to_rows
from parsers.metadata import MeetingFacts, meeting_facts
from parsers.model import Item, Line, Meeting, Section, TocEntry
from parsers.numbered import NumberedHeading, numbered_headings
from parsers.participants import find_participants, item_absences, merged_people
from parsers.sections import section_rows, split_sections
from parsers.settings import DEFAULT, ParserSettings
from parsers.templates import GENERIC, Template, choose
from parsers.toc import find_toc
from parsers.vocabulary import dated_decision, document_headings, heading_name

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
    while end - 1 > start and end < len(rows) and _group_over(rows[end - 1], rows[end]):
        end -= 1
    if end - 2 >= start and end < len(rows) and typed_group_row(rows, end - 1):
        end -= 1
    return end


def typed_group_row(rows: Sequence[Row], k: int) -> bool:
    """'Til behandling - for åbne døre' between one item's last sentence and the next item's heading, in a scan
    or a text file (no type styles to tell it by): a short capitalised line that ends no sentence and is no
    label, heading or case row, right after a row that does end one. It heads the items after it."""
    row = rows[k]
    text = row.text
    return (not row.has_layout and k > 0 and 3 <= len(text) <= 60 and text[:1].isupper()
            and not re.search(r"[.,;:!?]$|:\s", text) and not heading_name(text) and not dated_decision(text)
            and not GENERIC.case_match(text) and bool(re.search(r"[.!?]$", rows[k - 1].text)))


def _group_over(row: Row, heading: Row) -> bool:
    """'Lukkede punkter' (bold 14 pt) right above '4. Salg af areal' (bold 12 pt): a row set larger than the
    next item's heading heads the items after it; it is no text of the item before."""
    return bool(row.bold and heading.bold and row.size and heading.size and row.size > heading.size + 0.5
                and len(row.text) <= 80 and not re.search(r"[.;,]$", row.text))


@dataclass(frozen=True, slots=True)
class ItemSpan:
    """Where an item sits in the rows: its heading rows[start:content_start], its content up to `end`."""

    number: str
    start: int
    content_start: int
    end: int
    anchor: int | None = None  # the case-number row, when the item was found by one


@dataclass(frozen=True, slots=True)
class Trace:
    """What the parser decided and from which rows: `moedearkiv parse --explain` prints it."""

    meeting: Meeting
    template: str
    scores: dict[str, float]
    raw_rows: tuple[Row, ...]
    rows: tuple[Row, ...]  # without page furniture
    toc_rows: frozenset[int]
    spans: tuple[ItemSpan, ...]
    headings: dict[str, str]  # the document's own headings (template and learned)
    facts: MeetingFacts
    front_end: int  # rows[:front_end] are the front matter


def _items(rows: Sequence[Row], anchors: Sequence[Anchor], toc: Sequence[TocEntry], low: int,
           template: Template, spans: list[ItemSpan]) -> list[Item]:
    headings: list[Heading] = []
    previous = low
    for anchor in anchors:
        headings.append(read_heading(rows, anchor.row, previous))
        previous = anchor.row + 1
    numbers = number_items(rows, anchors, headings, toc)
    items: list[Item] = []
    for k, (anchor, heading, (number, group_title)) in enumerate(zip(anchors, headings, numbers, strict=True)):
        if group_title is None and heading.start > low and typed_group_row(rows, heading.start - 1):
            group_title = rows[heading.start - 1].text
        end = headings[k + 1].start if k + 1 < len(anchors) else len(rows)
        end = _content_end(rows, anchor.row + 1, end)
        if "." in number:
            end = group_break(rows, anchor.row + 1, end, int(number.split(".")[0]), toc)
        items.append(_item(rows, number, heading.title, group_title, heading.start, anchor.row + 1, end,
                           anchor.case_number, anchor.initials, template, anchor.closed))
        spans.append(ItemSpan(number=number, start=heading.start, content_start=anchor.row + 1, end=end,
                              anchor=anchor.row))
    return items


def _closed_decision(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """A closed item's minutes print only the decision, under no heading: that text is its decision."""
    if not sections or sections[0].heading is not None or any(s.name == "Beslutning" for s in sections):
        return sections
    return (replace(sections[0], name="Beslutning"),) + sections[1:]


def _item(rows: Sequence[Row], number: str, heading_title: str, group_title: str | None, start: int,
          content_start: int, end: int, case_number: str | None = None, initials: str | None = None,
          template: Template = GENERIC, closed_mark: bool = False, lead: str | None = None) -> Item:
    content = list(rows[content_start:end])
    if lead:  # the first text, typed on the heading row after the title
        content.insert(0, Row(text=lead, page=rows[start].page, para_start=True))
    title, closed = closed_title(heading_title)
    closed = closed or closed_mark  # 'Lukket sag' on the case-number row
    sections = split_sections(content, template.ignore + (GENERIC.ignore if template is not GENERIC else ()))
    if closed:
        sections = _closed_decision(sections)
    return Item(
        number=number, title=title, heading=group_title, case_number=case_number, case_initials=initials,
        sections=sections, attachments=attachments(section_rows(content, "Bilag"), template), closed=closed,
        page_start=rows[start].page, page_end=rows[end - 1].page if end > content_start else None,
    )


def _numbered_items(rows: Sequence[Row], headings: Sequence[NumberedHeading], toc: Sequence[TocEntry],
                    template: Template, spans: list[ItemSpan]) -> list[Item]:
    """Items from numbered heading rows; in a 'group.item' numbering the bare group rows title their items."""
    hierarchical = any("." in h.number for h in headings)
    toc_groups = {e.number: e.title for e in toc if "." not in e.number}
    groups: dict[str, str] = {}
    items: list[Item] = []
    for k, heading in enumerate(headings):
        following = headings[k + 1].number if k + 1 < len(headings) else None
        if hierarchical and "." not in heading.number:
            end = headings[k + 1].row if k + 1 < len(headings) else len(rows)
            headed = any(s.heading for s in split_sections(rows[heading.content_start:end]))
            if (following or "").startswith(f"{heading.number}.") or not headed:
                groups[heading.number] = heading.title
                continue  # a group row ('1 First Agenda' over '1.1 Status'); one with sections of its own is an item
        end = headings[k + 1].row if k + 1 < len(headings) else len(rows)
        end = _content_end(rows, heading.content_start, end)
        group = heading.number.split(".")[0] if hierarchical and "." in heading.number else None
        group_title = groups.get(group) or toc_groups.get(group) if group else None
        items.append(_item(rows, heading.number, heading.title, group_title, heading.row, heading.content_start, end,
                           template=template, lead=heading.text))
        spans.append(ItemSpan(number=heading.number, start=heading.row, content_start=heading.content_start, end=end))
    return items


def parse_document(lines: Sequence[Line], filename: str, settings: ParserSettings = DEFAULT) -> Meeting:
    """Parse one document. `filename` is only context (never used to guess content)."""
    return parse_traced(lines, filename, settings).meeting


def parse_traced(lines: Sequence[Line], filename: str, settings: ParserSettings = DEFAULT) -> Trace:
    """Parse one document and keep the trace of why each row became what it is."""
    raw_rows = to_rows(lines, settings)
    template, scores = choose(raw_rows, settings)
    headings = merged(styled_headings(raw_rows, settings), shaped_headings(raw_rows, settings),
                      learned_headings(raw_rows, settings), template.headings)
    with document_headings(headings):  # a heading on every page top is structure, not a running header
        rows = strip_furniture(raw_rows, template)
        return _parse(raw_rows, rows, template, scores, headings, settings)


def _parse(raw_rows: list[Row], rows: list[Row], template: Template, scores: dict[str, float],
           headings: dict[str, str], settings: ParserSettings) -> Trace:
    anchors = find_anchors(rows, frozenset(), template)
    toc = find_toc(rows, anchors[0].row if anchors else min(len(rows), 120))
    anchors = [a for a in anchors if a.row not in toc.rows]
    low = max(toc.rows) + 1 if toc.rows else 0
    numbered = [] if anchors else numbered_headings(rows, toc.entries, toc.rows)
    spans: list[ItemSpan] = []
    items = (_items(rows, anchors, toc.entries, low, template, spans) if anchors
             else _numbered_items(rows, numbered, toc.entries, template, spans))
    has_decisions = any(s.name == "Beslutning" and s.text for item in items for s in item.sections)
    front_end = spans[0].start if spans else min(len(rows), settings.front_matter_rows)
    facts = meeting_facts(raw_rows, bool(items), has_decisions, front_rows(raw_rows, rows, front_end), settings)
    meeting = Meeting(
        kind=facts.kind, body=facts.body, date=facts.date, start_time=facts.start_time, location=facts.location,
        participants=merged_people(find_participants(rows[:front_end], settings)
                            + item_absences([(item.title, rows[span.content_start:span.end])
                                             for item, span in zip(items, spans, strict=True)])),
        toc=toc.entries if items else (),
        items=tuple(items), template=template.name,
    )
    return Trace(meeting=meeting, template=template.name, scores=scores, raw_rows=tuple(raw_rows), rows=tuple(rows),
                 toc_rows=toc.rows, spans=tuple(spans), headings=headings, facts=facts, front_end=front_end)


def front_rows(raw_rows: Sequence[Row], rows: Sequence[Row], front_end: int) -> int:
    """How many raw rows (furniture included) come before the first item: where the header may be read."""
    if front_end >= len(rows):
        return len(raw_rows)
    first = rows[front_end]
    return next((k for k, r in enumerate(raw_rows) if r is first), len(raw_rows))
