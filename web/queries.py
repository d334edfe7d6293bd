"""Every read of the database the reading room makes, returning the web's own frozen records.

The web never touches SQLAlchemy rows outside this module, so when the storage model changes (one
meeting with several sources, item ids, dated decisions) only this file has to follow. Fields the
current storage does not have yet are filled from what it has, else None or empty. A decision's date and body
are what the merge stored (`sections.decided_on/decided_by`); a section stored before the merge kept them (a
0.1.0 database after migration 0003) gets them from the same rule, `parsers.decisions.decision_of`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from parsers.decisions import decision_of
from storage.archive import Archive
from storage.models import DocumentRow, ItemRow, MeetingRow, PageRow, SectionRow

_KIND_ORDER = {"dagsorden": 0, "referat": 1, "bilag": 2, "andet": 3}

WordBox = tuple[str, float, float, float, float]


@dataclass(frozen=True, slots=True)
class SourceView:
    sha256: str
    filename: str
    pages: int
    role: str  # dagsorden | referat | item | copy | bilag
    ocr_pages: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionView:
    decided_on: str | None  # ISO date
    decided_by: str | None
    text: str
    source: str | None  # sha256 of the document it came from
    page: int | None = None


@dataclass(frozen=True, slots=True)
class SectionView:
    name: str
    heading: str | None
    text: str
    page_start: int | None
    page_end: int | None
    source: str | None  # sha256
    decided_on: str | None = None
    decided_by: str | None = None


@dataclass(frozen=True, slots=True)
class ParticipantView:
    name: str
    party: str | None
    municipality: str | None
    status: str
    role: str | None
    substitute_for: str | None


@dataclass(frozen=True, slots=True)
class ItemView:
    item_id: str  # "<meeting id>/<number>"
    meeting_id: str
    number: str
    title: str
    heading: str | None
    case_number: str | None
    closed: bool
    page_start: int | None
    page_end: int | None
    sections: tuple[SectionView, ...]
    decisions: tuple[DecisionView, ...]
    attachments: tuple[str, ...]
    source: str | None  # sha256 of the document the item's text came from
    also_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingView:
    meeting_id: str
    body: str | None
    municipality: str | None
    date: str | None
    start_time: str | None
    location: str | None
    kind: str  # the latest stage: dagsorden or referat
    stages: tuple[str, ...]
    sources: tuple[SourceView, ...]
    participants: tuple[ParticipantView, ...]
    items: tuple[ItemView, ...]


@dataclass(frozen=True, slots=True)
class PageView:
    sha256: str
    number: int
    pages: int  # of the document
    source: str  # text | ocr | repaired
    text: str
    words: tuple[WordBox, ...]  # OCR word boxes (fractions of the page, origin top-left); empty if none
    pdf_path: Path
    meeting_id: str | None
    filename: str


@dataclass(frozen=True, slots=True)
class CaseEntry:
    meeting_id: str
    item_id: str
    date: str | None
    kind: str
    body: str | None
    item_number: str
    item_title: str
    proposal: str | None  # the Indstilling
    decisions: tuple[DecisionView, ...]


def decided(heading: str | None, on: str | None, by: str | None, meeting_date: str | None,
            meeting_body: str | None) -> tuple[str | None, str | None]:
    """A Beslutning's (date, body): as stored by the merge, else by the merge's own rule."""
    if on or by:
        return on or meeting_date, by or meeting_body
    decision = decision_of(heading, meeting_date, meeting_body)
    return decision.decided_on, decision.decided_by


class Queries:
    """Read-only views of the archive for the pages."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def meeting(self, meeting_id: str) -> MeetingView | None:
        with self.archive.sessions() as session:
            row = session.scalar(select(MeetingRow).where(MeetingRow.id == meeting_id).options(
                selectinload(MeetingRow.items).selectinload(ItemRow.sections),
                selectinload(MeetingRow.participants)))
            if row is None:
                return None
            docs = session.scalars(select(DocumentRow).where(DocumentRow.meeting_id == meeting_id,
                                                             DocumentRow.status == "ingested")
                                   .options(selectinload(DocumentRow.page_rows))).all()
            return _meeting_view(row, list(docs))

    def item(self, meeting_id: str, number: str) -> tuple[MeetingView, ItemView] | None:
        meeting = self.meeting(meeting_id)
        if meeting is None:
            return None
        item = next((i for i in meeting.items if i.number == number), None)
        return None if item is None else (meeting, item)

    def case(self, case_number: str) -> list[CaseEntry]:
        with self.archive.sessions() as session:
            rows = session.execute(select(MeetingRow, ItemRow).join(ItemRow, ItemRow.meeting_id == MeetingRow.id)
                                   .where(func.upper(ItemRow.case_number) == case_number.upper())
                                   .options(selectinload(ItemRow.sections),
                                            selectinload(MeetingRow.document))).all()
            entries = []
            for meeting, item in rows:
                view = _item_view(meeting, item)
                proposal = next((s.text for s in view.sections if s.name == "Indstilling" and s.text), None)
                entries.append(CaseEntry(meeting_id=meeting.id, item_id=view.item_id, date=meeting.date,
                                         kind=meeting.kind, body=meeting.body, item_number=item.number,
                                         item_title=item.title, proposal=proposal, decisions=view.decisions))
        entries.sort(key=lambda e: (e.date or "9999", _KIND_ORDER.get(e.kind, 9), e.meeting_id, e.item_number))
        return entries

    def document_path(self, sha256: str) -> tuple[Path, str] | None:
        """The stored path and file name of an ingested document, found by its hash."""
        with self.archive.sessions() as session:
            row = session.execute(select(DocumentRow.path, DocumentRow.filename).where(
                DocumentRow.sha256 == sha256, DocumentRow.status == "ingested")).first()
            return None if row is None else (Path(row[0]), row[1])

    def page(self, sha256: str, number: int) -> PageView | None:
        with self.archive.sessions() as session:
            doc = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256,
                                                           DocumentRow.status == "ingested")
                                 )
            if doc is None or not 1 <= number <= doc.pages:
                return None
            page = session.scalar(select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == number))
            return PageView(sha256=sha256, number=number, pages=doc.pages,
                            source=page.source if page else "text", text=page.text if page else "",
                            words=parse_words(getattr(page, "words", None)) if page else (),
                            pdf_path=Path(doc.path), meeting_id=doc.meeting_id,
                            filename=doc.filename)

    def meeting_count(self) -> int:
        with self.archive.sessions() as session:
            return session.scalar(select(func.count(MeetingRow.id))) or 0


def parse_words(value: object) -> tuple[WordBox, ...]:
    """`pages.words` (a JSON list of [text, x0, y0, x1, y1], or its text) -> boxes; bad entries are dropped."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    if not isinstance(value, list):
        return ()
    out: list[WordBox] = []
    for entry in value:
        if isinstance(entry, (list, tuple)) and len(entry) == 5 and isinstance(entry[0], str):
            try:
                x0, y0, x1, y1 = (float(v) for v in entry[1:])
            except (TypeError, ValueError):
                continue
            out.append((entry[0], x0, y0, x1, y1))
    return tuple(out)


def _section_view(section, sha: str | None, meeting: MeetingRow) -> SectionView:  # noqa: ANN001
    """Decision date and body as the merge stored them (from the heading, else the meeting's)."""
    decided_on = decided_by = None
    if section.name == "Beslutning":
        decided_on, decided_by = decided(section.heading, section.decided_on, section.decided_by, meeting.date,
                                         meeting.body)
    return SectionView(name=section.name, heading=section.heading, text=section.text, page_start=section.page_start,
                       page_end=section.page_end, source=section.source or sha, decided_on=decided_on,
                       decided_by=decided_by)


def _item_view(meeting: MeetingRow, item: ItemRow, names: dict[str, str] | None = None) -> ItemView:
    """`names` maps the meeting's documents' sha256 to file names, for the item's other sources ("also in")."""
    sha = meeting.document.sha256 if meeting.document is not None else None
    sections = tuple(_section_view(s, sha, meeting) for s in item.sections)
    decisions = tuple(DecisionView(decided_on=s.decided_on, decided_by=s.decided_by, text=s.text, source=s.source,
                                   page=s.page_start) for s in sections if s.name == "Beslutning" and s.text)
    own = {s.source for s in sections} | {sha}
    also_in = tuple(names[h] for h in (item.sources or []) if names and h in names and h not in own)
    return ItemView(item_id=f"{meeting.id}/{item.number}", meeting_id=meeting.id, number=item.number,
                    title=item.title, heading=item.heading, case_number=item.case_number, closed=bool(item.closed),
                    page_start=item.page_start, page_end=item.page_end, sections=sections, decisions=decisions,
                    attachments=tuple(item.attachments or ()), source=sha, also_in=also_in)


_ROLE_ORDER = {"dagsorden": 0, "referat": 1, "item": 2, "copy": 3, "bilag": 4}


def _meeting_view(row: MeetingRow, docs: list[DocumentRow]) -> MeetingView:
    docs = sorted(docs, key=lambda d: (_ROLE_ORDER.get(d.role or "", 9), d.filename))
    sources = tuple(SourceView(sha256=d.sha256, filename=d.filename, pages=d.pages, role=d.role or "copy",
                               ocr_pages=tuple(p.number for p in d.page_rows if p.source == "ocr")) for d in docs)
    stages = tuple(dict.fromkeys(d.role for d in docs if d.role in ("dagsorden", "referat"))) or (row.kind,)
    names = {d.sha256: d.filename for d in docs}
    return MeetingView(
        meeting_id=row.id, body=row.body, municipality=row.municipality, date=row.date,
        start_time=row.start_time, location=row.location, kind=row.kind, stages=stages, sources=sources,
        participants=tuple(ParticipantView(name=p.name, party=p.party, municipality=p.municipality, status=p.status,
                                           role=p.role, substitute_for=p.substitute_for) for p in row.participants),
        items=tuple(_item_view(row, i, names) for i in row.items),
    )


@dataclass(frozen=True, slots=True)
class HitContext:
    """What a result line shows beside the index's hit: the item's decision and its document."""

    sha256: str | None
    decision: DecisionView | None
    closed: bool = False


def hit_contexts(archive: Archive, keys: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], HitContext]:
    """Contexts of (meeting id, item number) pairs: three small queries per page of results (only the
    Beslutning sections' text is read)."""
    meeting_ids = sorted({m for m, _ in keys})
    if not meeting_ids:
        return {}
    pairs = sorted({(m, n) for m, n in keys if n})
    with archive.sessions() as session:
        meetings = {row.id: row for row in session.execute(
            select(MeetingRow.id, MeetingRow.date, MeetingRow.body, DocumentRow.sha256)
            .outerjoin(DocumentRow, DocumentRow.id == MeetingRow.document_id).where(MeetingRow.id.in_(meeting_ids)))}
        items = session.execute(select(ItemRow.id, ItemRow.meeting_id, ItemRow.number, ItemRow.closed)
                                .where(tuple_(ItemRow.meeting_id, ItemRow.number).in_(pairs))).all() if pairs else []
        decisions: dict[int, DecisionView] = {}
        if items:
            for item_id, heading, text, page, on, by, source in session.execute(
                    select(SectionRow.item_id, SectionRow.heading, SectionRow.text, SectionRow.page_start,
                           SectionRow.decided_on, SectionRow.decided_by, SectionRow.source)
                    .where(SectionRow.item_id.in_([i.id for i in items]), SectionRow.name == "Beslutning")
                    .order_by(SectionRow.item_id, SectionRow.position)):
                if text:
                    meeting = meetings[next(i.meeting_id for i in items if i.id == item_id)]
                    on, by = decided(heading, on, by, meeting.date, meeting.body)
                    decisions[item_id] = DecisionView(  # the last decision of the item wins
                        decided_on=on, decided_by=by, text=text, source=source or meeting.sha256, page=page)
    by_pair = {(i.meeting_id, i.number): i for i in items}
    out: dict[tuple[str, str | None], HitContext] = {}
    for meeting_id, number in keys:
        meeting = meetings.get(meeting_id)
        if meeting is None:
            continue
        item = by_pair.get((meeting_id, number)) if number else None
        out[(meeting_id, number)] = HitContext(sha256=meeting.sha256,
                                               decision=decisions.get(item.id) if item is not None else None,
                                               closed=bool(item.closed) if item is not None else False)
    return out


_MARKED = re.compile(r"\[\[(.+?)\]\]")


def hit_pages(archive: Archive, hits: list[tuple[str | None, int | None, str]]) -> list[int | None]:
    """The page each hit's words are on: (document sha256, the record's first page, snippet) -> page number.

    A section (or a document's text, indexed as one record) may run over several pages, and the index knows
    only its first: the link should open the page where the snippet's marked words are, so the first page
    from there on holding one of them is taken, else the record's first page."""
    out: list[int | None] = []
    with archive.sessions() as session:
        for sha, first, snippet in hits:
            words = {w.casefold() for w in _MARKED.findall(snippet or "")}
            page = first
            if sha and first and words:
                for number, text in session.execute(
                        select(PageRow.number, PageRow.text).join(DocumentRow, DocumentRow.id == PageRow.document_id)
                        .where(DocumentRow.sha256 == sha, PageRow.number >= first).order_by(PageRow.number)):
                    folded = (text or "").casefold()
                    if any(w in folded for w in words):
                        page = number
                        break
            out.append(page)
    return out
