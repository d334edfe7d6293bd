"""What of a stored meeting goes into the index: one record per section of the merged meeting, and one for
the meeting itself (its participants, body and place), so names and places are found too."""
from __future__ import annotations

from index.documents import SectionDoc
from storage.archive import StoredMeeting

# Index-only pseudo sections: an item with no section text is still found by its title, and a document with
# no items (a report, an e-mail) by its pages.
TITLE_ONLY = "Titel"
PAGE_TEXT = "Tekst"
TABLE = "Tabel"  # a table kept as rows leaves the section text; its cells are still found
PARTICIPANTS = "Deltagere"  # the meeting-level record


def table_text(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join(" | ".join(cell for cell in row if cell) for row in rows)


def section_docs(stored: StoredMeeting) -> list[SectionDoc]:
    """The index records of one merged meeting, as stored in the database."""
    meeting = stored.meeting
    common = {"meeting_id": stored.meeting_id, "date": meeting.date, "kind": meeting.kind, "body": meeting.body,
              "municipality": stored.municipality}
    filenames = {s.sha256: s.filename for s in stored.sources}
    primary = stored.source.sha256 if stored.sources else None
    docs: list[SectionDoc] = []
    for i, item in enumerate(meeting.items):
        holders = stored.item_sources[i] if i < len(stored.item_sources) else ()
        item_fields = {"item_number": item.number, "item_title": item.title, "case_number": item.case_number,
                       "item_id": stored.item_id(item.number), "closed": item.closed}

        def also_in(source: str | None, holders: tuple[str, ...] = holders) -> tuple[str, ...]:
            return tuple(sorted(filenames[h] for h in holders if h != source and h in filenames))

        sections = [(j, s) for j, s in enumerate(item.sections) if s.text.strip()]
        if not sections:
            docs.append(SectionDoc(**common, **item_fields, section=TITLE_ONLY, position=len(docs),
                                   page=item.page_start, text=item.title, source=primary, also_in=also_in(primary)))
        for j, section in sections:
            meta = stored.section_meta.get((i, j))
            source = meta.source if meta else primary
            docs.append(SectionDoc(**common, **item_fields, section=section.name, position=len(docs),
                                   page=section.page_start or item.page_start, text=section.text,
                                   raw_text=meta.raw_text if meta else "",
                                   decided_on=meta.decided_on if meta else None,
                                   decided_by=meta.decided_by if meta else None,
                                   source=source, also_in=also_in(source)))
        for table in item.tables:
            docs.append(SectionDoc(**common, **item_fields, section=TABLE, position=len(docs), page=table.page,
                                   text=table_text(table.rows), source=primary, also_in=also_in(primary)))
    if not meeting.items:
        for page in stored.pages:
            if page.text.strip():
                docs.append(SectionDoc(**common, item_number=None, item_title=None, case_number=None,
                                       section=PAGE_TEXT, position=len(docs), page=page.number, text=page.text,
                                       raw_text=page.raw_text if page.raw_text != page.text else "",
                                       source=primary))
    titles = {item.number: item.title for item in meeting.items}
    for role, pages in stored.attachment_pages:  # a bilag's own text is found under the item that names it
        for page in pages:
            if page.text.strip():
                docs.append(SectionDoc(**common, item_number=role.item_number, item_title=titles.get(
                    role.item_number or ""), case_number=None, section=PAGE_TEXT, position=len(docs),
                    page=page.number, text=page.text, raw_text=page.raw_text if page.raw_text != page.text else "",
                    item_id=stored.item_id(role.item_number) if role.item_number else None, source=role.sha256))
    people = [p.name for p in meeting.participants]
    if people or meeting.location:
        text = "\n".join(part for part in (meeting.body, meeting.location, ", ".join(people)) if part)
        docs.append(SectionDoc(**common, item_number=None, item_title=None, case_number=None, section=PARTICIPANTS,
                               position=len(docs), page=None, text=text, source=primary))
    return docs
