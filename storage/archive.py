"""The archive database: the source of truth that the index and the exports are made from."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload, sessionmaker

from parsers.model import Item, Meeting, Page, Participant, Section, Table, TocEntry
from pipeline.export import SourceInfo
from storage.migrate import ensure_schema
from storage.models import DocumentRow, ItemRow, MeetingRow, PageRow, ParticipantRow, SectionRow


@dataclass(frozen=True, slots=True)
class StoredMeeting:
    meeting_id: str
    meeting: Meeting
    source: SourceInfo


@dataclass(frozen=True, slots=True)
class FailedDocument:
    path: str
    error: str


@dataclass(frozen=True, slots=True)
class Stats:
    documents: int
    ingested: int
    failed: int
    meetings: int
    items: int
    sections: int
    pages: int
    ocr_pages: int
    repaired_pages: int
    repaired_words: int
    failures: tuple[FailedDocument, ...]


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    ensure_schema(engine)  # migrations, never create_all: an older database is upgraded, not recreated
    return engine


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
                                 .replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa"))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def meeting_slug(meeting: Meeting, filename: str) -> str:
    """kkr-hovedstaden-2025-09-02-referat; the file name stands in for a body or date that is unknown."""
    parts = [meeting.body, meeting.date, meeting.kind] if meeting.body and meeting.date else \
        [Path(filename).stem, meeting.kind]
    return slug("-".join(p for p in parts if p))[:150] or "meeting"


class Archive:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    # --- ingest ---------------------------------------------------------------------------

    def status_of(self, sha256: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(DocumentRow.status).where(DocumentRow.sha256 == sha256))

    def new_meeting_id(self, session: Session, meeting: Meeting, filename: str, sha256: str) -> str:
        """A readable id; a second document with the same body, date and kind gets its hash appended."""
        base = meeting_slug(meeting, filename)
        taken = session.get(MeetingRow, base)
        return base if taken is None else f"{base}-{sha256[:8]}"

    def add_document(self, session: Session, path: Path, sha256: str, pages: list[Page], meeting: Meeting,
                     section_raw: dict[tuple[int, int], str]) -> str:
        """Stage one ingested document inside the caller's transaction; return its meeting id."""
        self._drop_previous(session, path, sha256)
        doc = DocumentRow(path=str(path), filename=path.name, sha256=sha256, pages=len(pages), status="ingested")
        doc.page_rows = [PageRow(number=p.number, source=p.source, text=p.text, raw_text=p.raw_text,
                                 repairs=p.repairs) for p in pages]
        meeting_id = self.new_meeting_id(session, meeting, path.name, sha256)
        doc.meeting = MeetingRow(
            id=meeting_id, kind=meeting.kind, body=meeting.body, date=meeting.date, start_time=meeting.start_time,
            location=meeting.location,
            toc=[{"number": t.number, "title": t.title, "page": t.page} for t in meeting.toc],
            tables=[{"page": t.page, "rows": [list(r) for r in t.rows]} for t in meeting.tables],
            items=[_item_row(i, item, section_raw) for i, item in enumerate(meeting.items)],
            participants=[ParticipantRow(position=i, name=p.name, party=p.party, municipality=p.municipality,
                                         status=p.status, substitute_for=p.substitute_for, role=p.role)
                          for i, p in enumerate(meeting.participants)],
        )
        session.add(doc)
        session.flush()
        return meeting_id

    def record_failure(self, path: Path, sha256: str, error: str) -> None:
        with self.sessions.begin() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256))
            if row is None:
                session.add(DocumentRow(path=str(path), filename=path.name, sha256=sha256, status="failed",
                                        error=error))
            elif row.status == "failed":
                row.path, row.error = str(path), error

    def _drop_previous(self, session: Session, path: Path, sha256: str) -> None:
        """A failed attempt of the same bytes, or an older version of the same path, gives way."""
        stale = session.scalars(select(DocumentRow).where(
            (DocumentRow.sha256 == sha256) | ((DocumentRow.path == str(path)) & (DocumentRow.status == "failed"))
        )).all()
        for row in stale:
            session.delete(row)
        session.flush()

    def previous_version(self, path: Path, sha256: str) -> str | None:
        """The meeting id of an earlier, different version of the file at `path`, if any."""
        with self.sessions() as session:
            return session.scalar(select(MeetingRow.id).join(DocumentRow).where(
                DocumentRow.path == str(path), DocumentRow.sha256 != sha256, DocumentRow.status == "ingested"))

    def delete_meeting(self, session: Session, meeting_id: str) -> None:
        row = session.get(MeetingRow, meeting_id)
        if row is not None:
            session.delete(row.document)
            session.flush()

    # --- read -----------------------------------------------------------------------------

    def meeting_ids(self) -> list[str]:
        with self.sessions() as session:
            return list(session.scalars(select(MeetingRow.id).order_by(MeetingRow.date, MeetingRow.id)))

    def load(self, meeting_id: str) -> StoredMeeting | None:
        with self.sessions() as session:
            row = session.scalar(select(MeetingRow).where(MeetingRow.id == meeting_id).options(
                selectinload(MeetingRow.items).selectinload(ItemRow.sections),
                selectinload(MeetingRow.participants), selectinload(MeetingRow.document).selectinload(
                    DocumentRow.page_rows)))
            return None if row is None else _stored(row)

    def iter_meetings(self) -> Iterator[StoredMeeting]:
        for meeting_id in self.meeting_ids():
            stored = self.load(meeting_id)
            if stored is not None:
                yield stored

    def section_raw_texts(self, meeting_id: str) -> dict[tuple[int, int], str]:
        with self.sessions() as session:
            rows = session.execute(select(ItemRow.position, SectionRow.position, SectionRow.raw_text)
                                   .join(SectionRow, SectionRow.item_id == ItemRow.id)
                                   .where(ItemRow.meeting_id == meeting_id)).all()
            return {(i, s): raw for i, s, raw in rows if raw}

    def pages_of(self, meeting_id: str) -> list[Page]:
        with self.sessions() as session:
            rows = session.scalars(select(PageRow).join(DocumentRow).join(MeetingRow)
                                   .where(MeetingRow.id == meeting_id).order_by(PageRow.number))
            return [Page(number=r.number, text=r.text, source=r.source, raw_text=r.raw_text,  # type: ignore[arg-type]
                         repairs=r.repairs) for r in rows]

    def meeting_id_of(self, sha256: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(MeetingRow.id).join(DocumentRow).where(DocumentRow.sha256 == sha256))

    def stats(self) -> Stats:
        with self.sessions() as session:
            count = lambda stmt: session.scalar(stmt) or 0  # noqa: E731
            failures = session.execute(select(DocumentRow.path, DocumentRow.error)
                                       .where(DocumentRow.status == "failed").order_by(DocumentRow.path)).all()
            return Stats(
                documents=count(select(func.count(DocumentRow.id))),
                ingested=count(select(func.count(DocumentRow.id)).where(DocumentRow.status == "ingested")),
                failed=len(failures),
                meetings=count(select(func.count(MeetingRow.id))),
                items=count(select(func.count(ItemRow.id))),
                sections=count(select(func.count(SectionRow.id))),
                pages=count(select(func.count(PageRow.id))),
                ocr_pages=count(select(func.count(PageRow.id)).where(PageRow.source == "ocr")),
                repaired_pages=count(select(func.count(PageRow.id)).where(PageRow.source == "repaired")),
                repaired_words=count(select(func.sum(PageRow.repairs))),
                failures=tuple(FailedDocument(path=p, error=e or "") for p, e in failures),
            )

    def items_with_case(self, case_number: str) -> list[tuple[MeetingRow, ItemRow]]:
        with self.sessions() as session:
            rows = session.execute(select(MeetingRow, ItemRow).join(ItemRow, ItemRow.meeting_id == MeetingRow.id)
                                   .where(func.upper(ItemRow.case_number) == case_number.upper())
                                   .options(selectinload(ItemRow.sections))).all()
            return [(m, i) for m, i in rows]


def _item_row(position: int, item: Item, section_raw: dict[tuple[int, int], str]) -> ItemRow:
    return ItemRow(
        position=position, number=item.number, heading=item.heading, title=item.title,
        case_number=item.case_number, case_initials=item.case_initials, closed=item.closed,
        page_start=item.page_start, page_end=item.page_end, attachments=list(item.attachments),
        tables=[{"page": t.page, "rows": [list(r) for r in t.rows]} for t in item.tables],
        sections=[SectionRow(position=j, name=s.name, heading=s.heading, text=s.text,
                             raw_text=section_raw.get((position, j), ""), page_start=s.page_start,
                             page_end=s.page_end) for j, s in enumerate(item.sections)],
    )


def _tables(rows: list) -> tuple[Table, ...]:
    return tuple(Table(page=t["page"], rows=tuple(tuple(r) for r in t["rows"])) for t in rows or [])


def _stored(row: MeetingRow) -> StoredMeeting:
    meeting = Meeting(
        kind=row.kind, body=row.body, date=row.date, start_time=row.start_time, location=row.location,  # type: ignore[arg-type]
        participants=tuple(Participant(name=p.name, party=p.party, municipality=p.municipality,
                                       status=p.status, substitute_for=p.substitute_for, role=p.role)  # type: ignore[arg-type]
                           for p in row.participants),
        toc=tuple(TocEntry(number=t["number"], title=t["title"], page=t.get("page")) for t in row.toc or []),
        items=tuple(Item(
            number=i.number, title=i.title, heading=i.heading, case_number=i.case_number,
            case_initials=i.case_initials, closed=i.closed, page_start=i.page_start, page_end=i.page_end,
            attachments=tuple(i.attachments or []), tables=_tables(i.tables),
            sections=tuple(Section(name=s.name, text=s.text, page_start=s.page_start, page_end=s.page_end,
                                   heading=s.heading) for s in i.sections),
        ) for i in row.items),
        tables=_tables(row.tables),
    )
    pages = row.document.page_rows
    source = SourceInfo(filename=row.document.filename, sha256=row.document.sha256, pages=row.document.pages,
                        ocr_pages=tuple(p.number for p in pages if p.source == "ocr"),
                        repaired_words=sum(p.repairs for p in pages))
    return StoredMeeting(meeting_id=row.id, meeting=meeting, source=source)

