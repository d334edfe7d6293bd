"""What the pipeline hands the index: one record per section (the unit of search)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SectionDoc:
    meeting_id: str
    date: str | None  # ISO 8601
    kind: str  # dagsorden | referat | bilag | andet
    body: str | None
    item_number: str | None
    item_title: str | None
    case_number: str | None
    section: str  # canonical section name
    position: int  # order of the section inside the meeting, to make a stable key
    page: int | None
    text: str  # repaired text
    raw_text: str = ""  # text as extracted before OCR repair (indexed too, so damaged spellings are found)
