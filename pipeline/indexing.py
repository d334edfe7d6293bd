"""What of a stored meeting goes into the index: one record per section."""
from __future__ import annotations

from index.documents import SectionDoc
from parsers.model import Meeting, Page

# Index-only pseudo sections: an item with no section text is still found by its title, and a document with
# no items (a report, an e-mail) by its pages.
TITLE_ONLY = "Titel"
PAGE_TEXT = "Tekst"
TABLE = "Tabel"  # a table kept as rows leaves the section text; its cells are still found


def table_text(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join(" | ".join(cell for cell in row if cell) for row in rows)


def section_docs(meeting_id: str, meeting: Meeting, raw_texts: dict[tuple[int, int], str],
                 pages: list[Page] | None = None) -> list[SectionDoc]:
    common = {"meeting_id": meeting_id, "date": meeting.date, "kind": meeting.kind, "body": meeting.body}
    docs: list[SectionDoc] = []
    for i, item in enumerate(meeting.items):
        item_fields = {"item_number": item.number, "item_title": item.title, "case_number": item.case_number}
        sections = [(j, s) for j, s in enumerate(item.sections) if s.text.strip()]
        if not sections:
            docs.append(SectionDoc(**common, **item_fields, section=TITLE_ONLY, position=len(docs),
                                   page=item.page_start, text=item.title))
        for j, section in sections:
            docs.append(SectionDoc(**common, **item_fields, section=section.name, position=len(docs),
                                   page=section.page_start or item.page_start, text=section.text,
                                   raw_text=raw_texts.get((i, j), "")))
        for table in item.tables:
            docs.append(SectionDoc(**common, **item_fields, section=TABLE, position=len(docs), page=table.page,
                                   text=table_text(table.rows)))
    if not meeting.items:
        for page in pages or []:
            if page.text.strip():
                docs.append(SectionDoc(**common, item_number=None, item_title=None, case_number=None,
                                       section=PAGE_TEXT, position=len(docs), page=page.number, text=page.text,
                                       raw_text=page.raw_text if page.raw_text != page.text else ""))
    return docs
