"""A document's own parse as JSON (kept per document, so its meeting can be rebuilt from all of them)."""
from __future__ import annotations

from parsers.model import Item, Meeting, Participant, Section, Table, TocEntry


def tables_json(tables: tuple[Table, ...]) -> list[dict]:
    return [{"page": t.page, "rows": [list(r) for r in t.rows]} for t in tables]


def tables_of(rows: list | None) -> tuple[Table, ...]:
    return tuple(Table(page=t["page"], rows=tuple(tuple(r) for r in t["rows"])) for t in rows or [])


def to_json(meeting: Meeting, raw_texts: dict[tuple[int, int], str]) -> dict:
    return {
        "kind": meeting.kind, "body": meeting.body, "date": meeting.date, "start_time": meeting.start_time,
        "location": meeting.location, "template": meeting.template,
        "participants": [{"name": p.name, "party": p.party, "municipality": p.municipality, "status": p.status,
                          "substitute_for": p.substitute_for, "role": p.role} for p in meeting.participants],
        "toc": [{"number": t.number, "title": t.title, "page": t.page} for t in meeting.toc],
        "tables": tables_json(meeting.tables),
        "items": [{
            "number": item.number, "title": item.title, "heading": item.heading, "case_number": item.case_number,
            "case_initials": item.case_initials, "closed": item.closed, "page_start": item.page_start,
            "page_end": item.page_end, "attachments": list(item.attachments), "tables": tables_json(item.tables),
            "sections": [{"name": s.name, "text": s.text, "page_start": s.page_start, "page_end": s.page_end,
                          "heading": s.heading, "raw_text": raw_texts.get((i, j), "")}
                         for j, s in enumerate(item.sections)],
        } for i, item in enumerate(meeting.items)],
    }


def from_json(data: dict) -> tuple[Meeting, dict[tuple[int, int], str]]:
    raw: dict[tuple[int, int], str] = {}
    items = []
    for i, it in enumerate(data.get("items", [])):
        sections = []
        for j, s in enumerate(it["sections"]):
            if s.get("raw_text"):
                raw[(i, j)] = s["raw_text"]
            sections.append(Section(name=s["name"], text=s["text"], page_start=s.get("page_start"),
                                    page_end=s.get("page_end"), heading=s.get("heading")))
        items.append(Item(number=it["number"], title=it["title"], heading=it.get("heading"),
                          case_number=it.get("case_number"), case_initials=it.get("case_initials"),
                          closed=bool(it.get("closed")), page_start=it.get("page_start"),
                          page_end=it.get("page_end"), attachments=tuple(it.get("attachments", [])),
                          tables=tables_of(it.get("tables")), sections=tuple(sections)))
    meeting = Meeting(
        kind=data["kind"], body=data.get("body"), date=data.get("date"), start_time=data.get("start_time"),
        location=data.get("location"),
        participants=tuple(Participant(**p) for p in data.get("participants", [])),
        toc=tuple(TocEntry(**t) for t in data.get("toc", [])), items=tuple(items),
        tables=tables_of(data.get("tables")), template=data.get("template") or "generic",
    )
    return meeting, raw
