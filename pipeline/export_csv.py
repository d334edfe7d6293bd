"""The archive as five CSV tables that join on their ids, for pandas, R or a spreadsheet."""
from __future__ import annotations

import csv
from pathlib import Path

from pipeline.export_files import UnknownMeetingError
from storage.archive import Archive

TABLES = {
    "meetings": ["meeting_id", "body", "municipality", "kind", "date", "start_time", "location", "primary_sha256",
                 "items", "sources"],
    "items": ["item_id", "meeting_id", "number", "heading", "title", "case_number", "case_initials", "closed",
              "page_start", "page_end", "attachments"],
    "sections": ["section_id", "item_id", "meeting_id", "position", "name", "heading", "text", "decided_on",
                 "decided_by", "source_sha256", "page_start", "page_end"],
    "participants": ["meeting_id", "position", "name", "party", "municipality", "status", "substitute_for", "role"],
    "documents": ["sha256", "meeting_id", "role", "item_id", "filename", "path", "pages"],
}


def export_csv(archive: Archive, meeting_ids: list[str], out_dir: Path) -> dict[str, int]:
    """Write DIR/<table>.csv (UTF-8, header row); returns the number of rows per table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for meeting_id in meeting_ids:
        stored = archive.load(meeting_id)
        if stored is None:
            raise UnknownMeetingError(f"no meeting with id {meeting_id!r}")
        m = stored.meeting
        rows["meetings"].append({"meeting_id": meeting_id, "body": m.body, "municipality": stored.municipality,
                                 "kind": m.kind, "date": m.date, "start_time": m.start_time, "location": m.location,
                                 "primary_sha256": stored.source.sha256, "items": len(m.items),
                                 "sources": len(stored.sources)})
        for i, item in enumerate(m.items):
            item_id = stored.item_id(item.number)
            rows["items"].append({"item_id": item_id, "meeting_id": meeting_id, "number": item.number,
                                  "heading": item.heading, "title": item.title, "case_number": item.case_number,
                                  "case_initials": item.case_initials, "closed": int(item.closed),
                                  "page_start": item.page_start, "page_end": item.page_end,
                                  "attachments": " | ".join(item.attachments)})
            for j, section in enumerate(item.sections):
                meta = stored.section_meta.get((i, j))
                rows["sections"].append({
                    "section_id": f"{item_id}/{j + 1}", "item_id": item_id, "meeting_id": meeting_id,
                    "position": j + 1, "name": section.name, "heading": section.heading, "text": section.text,
                    "decided_on": meta.decided_on if meta else None, "decided_by": meta.decided_by if meta else None,
                    "source_sha256": meta.source if meta else None, "page_start": section.page_start,
                    "page_end": section.page_end})
        for n, p in enumerate(m.participants, start=1):
            rows["participants"].append({"meeting_id": meeting_id, "position": n, "name": p.name, "party": p.party,
                                         "municipality": p.municipality, "status": p.status,
                                         "substitute_for": p.substitute_for, "role": p.role})
        for source in stored.sources:
            rows["documents"].append({
                "sha256": source.sha256, "meeting_id": meeting_id, "role": source.role,
                "item_id": stored.item_id(source.item_number) if source.item_number else None,
                "filename": source.filename, "path": source.path, "pages": source.pages})
    for name, columns in TABLES.items():
        with (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows[name])
    return {name: len(table) for name, table in rows.items()}
