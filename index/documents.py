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
    # One meeting, one record (filled by pipeline/indexing.py from the merged meeting in the database):
    item_id: str | None = None  # "<meeting_id>/<item number>"; None for meeting-level records
    municipality: str | None = None  # "Ballerup Kommune"; None for KL, KKR, regions
    closed: bool = False  # the item is closed (lukket punkt)
    decided_on: str | None = None  # ISO date of a Beslutning section (its heading's date, else the meeting's)
    decided_by: str | None = None  # the body that decided (from the heading, else the meeting's body)
    source: str | None = None  # sha256 of the document this section's text came from
    also_in: tuple[str, ...] = ()  # file names of the meeting's other sources that hold the same item
