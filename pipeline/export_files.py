"""Writing exports: one JSON file per meeting, checked against the schema before it is written."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

from pipeline.errors import MoedearkivError
from pipeline.export import meeting_dict
from storage.archive import Archive

SCHEMA_PATH = Path(__file__).with_name("meeting.schema.json")


class UnknownMeetingError(MoedearkivError):
    hint = "list the archive's meetings with: moedearkiv stats --json, or search for them"


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
        document = meeting_dict(stored.meeting, stored.meeting_id, stored.source)
        validate(document)
        path = out_dir / f"{meeting_id}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
