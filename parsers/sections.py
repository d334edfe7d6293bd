"""An item's content rows → sections, split at the headings of the vocabulary table.

Topic sub-headings inside a long Sagsfremstilling are not in the table, so they stay body text.
Paragraphs are separated by "\\n": a blank line, a paragraph gap or a bullet/numbered row starts one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers.layout import Row
from parsers.model import Section
from parsers.normalize import join_lines
from parsers.templates import GENERIC
from parsers.vocabulary import PROPOSAL, dated_decision, document_title, heading_name, inline_heading

UNTITLED = "Sagsfremstilling"  # body text before the first heading is the case narrative
_BULLET = re.compile(r"^(?:[-–—•*▪●o]\s|\d{1,2}[.)]\s|\d{1,2}\.\d{1,2}\.?\s|[a-zæøå][.)]\s)")
_LABEL = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.$")  # a displaced item label (' 3.3.') is not body text
_PUNCTUATION_ONLY = re.compile(r"^[.,;:–-]$")  # a stray '.' under a decision
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
def unlink(text: str) -> str:
    """'[Faktaark](#)' → 'Faktaark'."""
    return _MARKDOWN_LINK.sub(r"\1", text)


def paragraphs(rows: Sequence[Row]) -> list[str]:
    """Rows → paragraph texts (lines joined, line-end hyphenation mended)."""
    out: list[list[str]] = []
    for row in rows:
        if not out or row.para_start or _BULLET.match(row.text):
            out.append([])
        out[-1].append(unlink(row.text))
    return [join_lines(p) for p in out if p and not (len(p) == 1 and _PUNCTUATION_ONLY.match(p[0]))]


@dataclass(slots=True)
class _Open:
    name: str
    heading: str | None
    rows: list[Row] = field(default_factory=list)
    first_page: int | None = None


def _without_empty_label(texts: list[str]) -> list[str]:
    """'Følgende deltog ikke i behandlingen af punktet:' closing a decision with nothing after it is a form's
    empty field, not part of the text."""
    if len(texts) > 1 and texts[-1].endswith(":") and len(texts[-1]) < 80:
        return texts[:-1]
    return texts


def _close(section: _Open) -> Section:
    pages = [r.page for r in section.rows] or ([section.first_page] if section.first_page else [])
    text = "\n".join(_without_empty_label(paragraphs(section.rows)))
    return Section(name=section.name, text=text, heading=section.heading,
                   page_start=min(pages) if pages else None, page_end=max(pages) if pages else None)


def _after_sentence(row: Row, above: Row | None) -> bool:
    """OCR keeps no paragraph break between two short paragraphs of typed minutes ('Sagsfremstilling: ...
    frosten.' / 'Beslutning: Bevilget ...'): without type styles, a row after a finished sentence starts anew."""
    return not row.has_layout and above is not None and bool(re.search(r"[.!?]$", above.text))


def _heading(row: Row, current: _Open | None, above: Row | None = None) -> tuple[str, str, str] | None:
    """(canonical name, heading as written, text after it on the same line) if the row opens a section."""
    name = heading_name(row.text)
    if name and current and current.name == PROPOSAL and not row.bold and (
            row.bold is False or row.text.rstrip().endswith(":")):
        return None  # 'Baggrund:' inside a party's proposal is its own paragraph, not set as a heading
    if name:
        if current and not current.rows and current.name == "Bilag" and name != "Beslutning":
            return None  # an attachment called 'Indstilling' right under 'Bilag'
        if name == "Indstilling" and current and current.name == "Indstilling":
            return None  # 'Beslutningspunkter' then 'Det indstilles:' is one section
        return name, row.text.rstrip(" :."), ""
    decision = dated_decision(row.text)
    if decision:
        return "Beslutning", decision[0], decision[1]
    # at a paragraph start, or as the item's first row (right under its title or case-number row)
    starts = row.para_start or current is None or _after_sentence(row, above)
    inline = inline_heading(row.text) if starts and not (current and current.name == PROPOSAL) else None
    if inline:
        return inline  # 'Beslutning: Godkendt.', 'Referat: Alle skal have indhold.'

    title = document_title(row.text)
    if title and current and current.name == "Beslutning" and current.rows:
        return title, row.text.strip(), ""  # the decision ends where the proposal or recommendation is printed
    return None


def split_sections(rows: Sequence[Row], ignore: Sequence[re.Pattern[str]] = GENERIC.ignore) -> tuple[Section, ...]:
    """Sections in document order; empty ones (a heading straight before the next) are kept with text ''.
    Rows before the first section that match `ignore` (the template's metadata rows) are no body text."""
    sections: list[Section] = []
    current: _Open | None = None
    above: Row | None = None
    for row in rows:
        if _LABEL.match(row.text):
            continue
        found = _heading(row, current, above)
        above = row
        if found:
            if current:
                sections.append(_close(current))
            name, heading, rest = found
            current = _Open(name=name, heading=heading, first_page=row.page)
            if rest:
                current.rows.append(Row(text=rest, page=row.page, para_start=True))
            continue
        if current is None:
            if any(p.match(row.text) for p in ignore):
                continue
            current = _Open(name=UNTITLED, heading=None, first_page=row.page)
        current.rows.append(row)
    if current:
        sections.append(_close(current))
    return tuple(sections)


def section_rows(rows: Sequence[Row], name: str) -> list[list[Row]]:
    """The rows under each heading with this canonical name (for attachments)."""
    out: list[list[Row]] = []
    current: _Open | None = None
    above: Row | None = None
    for row in rows:
        found = _heading(row, current, above)
        above = row
        if found:
            current = _Open(name=found[0], heading=found[1])
            if found[0] == name:
                out.append(current.rows)
            continue
        if current is not None and not _LABEL.match(row.text):
            current.rows.append(row)
    return out
