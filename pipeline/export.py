"""Meeting → the export JSON of ../shared/schema/meeting.schema.json (schema_version 1)."""
from __future__ import annotations

from dataclasses import dataclass

from parsers.model import Item, Meeting

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class SourceInfo:
    filename: str
    sha256: str
    pages: int
    ocr_pages: tuple[int, ...] = ()
    repaired_words: int = 0


def item_dict(item: Item) -> dict:
    return {
        "number": item.number,
        "heading": item.heading,
        "title": item.title,
        "case_number": item.case_number,
        "case_initials": item.case_initials,
        "page_start": item.page_start,
        "page_end": item.page_end,
        "closed": item.closed,
        "sections": [
            {"name": s.name, "heading": s.heading, "text": s.text, "page_start": s.page_start, "page_end": s.page_end}
            for s in item.sections
        ],
        "attachments": list(item.attachments),
        "tables": [{"page": t.page, "rows": [list(r) for r in t.rows]} for t in item.tables],
    }


def meeting_dict(meeting: Meeting, meeting_id: str, source: SourceInfo) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "meeting": {
            "id": meeting_id,
            "body": meeting.body,
            "kind": meeting.kind,
            "date": meeting.date,
            "start_time": meeting.start_time,
            "location": meeting.location,
            "template": meeting.template,
        },
        "source": {
            "filename": source.filename,
            "sha256": source.sha256,
            "pages": source.pages,
            "ocr_pages": list(source.ocr_pages),
            "repaired_words": source.repaired_words,
        },
        "participants": [
            {"name": p.name, "party": p.party, "municipality": p.municipality, "status": p.status,
             "substitute_for": p.substitute_for, "role": p.role}
            for p in meeting.participants
        ],
        "toc": [{"number": t.number, "title": t.title, "page": t.page} for t in meeting.toc],
        "items": [item_dict(i) for i in meeting.items],
        "tables": [{"page": t.page, "rows": [list(r) for r in t.rows]} for t in meeting.tables],
    }
