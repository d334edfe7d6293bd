"""Writing exports: one JSON file per meeting, checked against the schema before it is written."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

from pipeline.errors import MoedearkivError
from pipeline.export import meeting_dict
from storage.archive import Archive, StoredMeeting

SCHEMA_PATH = Path(__file__).with_name("meeting.schema.json")


class UnknownMeetingError(MoedearkivError):
    hint = "list the archive's meeting ids with: moedearkiv meetings"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def validate(document: dict) -> None:
    """Raise jsonschema.ValidationError if `document` breaks the export schema."""
    _validator().validate(document)


def export_meetings(archive: Archive, meeting_ids: list[str], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for meeting_id in meeting_ids:
        stored = archive.load(meeting_id)
        if stored is None:
            raise UnknownMeetingError(f"no meeting with id {meeting_id!r}")
        document = stored_dict(stored)
        validate(document)
        path = out_dir / f"{meeting_id}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def source_dicts(stored: StoredMeeting) -> list[dict]:
    return [{"filename": s.filename, "path": s.path, "sha256": s.sha256, "role": s.role,
             "item_number": s.item_number, "pages": s.pages} for s in stored.sources]


def stored_dict(stored: StoredMeeting) -> dict:
    """The export of a merged meeting: the primary document's shape, plus sources, ids, decisions and pages."""
    document = meeting_dict(stored.meeting, stored.meeting_id, stored.source)
    document["meeting"]["municipality"] = stored.municipality
    document["sources"] = source_dicts(stored)
    for i, item in enumerate(document["items"]):
        item["id"] = stored.item_id(item["number"])
        for j, section in enumerate(item["sections"]):
            meta = stored.section_meta.get((i, j))
            section["source"] = meta.source if meta else stored.source.sha256
            if section["name"] == "Beslutning" and meta is not None:
                section["decided_on"], section["decided_by"] = meta.decided_on, meta.decided_by
    if not stored.meeting.items:
        document["pages"] = [{"number": p.number, "text": p.text} for p in stored.pages]
    return document
