"""The archive database: the source of truth that the index and the exports are made from."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from sqlalchemy import false, func, insert, select, text
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql.elements import TextClause

from parsers.model import Item, Meeting, Page, Participant, Section, TocEntry
from pipeline.errors import MoedearkivError
from pipeline.export import SourceInfo
from pipeline.identity import (
    COMMON_KEY,
    MAX_CANDIDATES,
    PIECE_CONTAINMENT,
    QUERY_KEYS,
    copy_keys,
    enough_shared,
    group_key,
    is_copy_within,
    piece_containment,
    quality,
    shingles,
    sole_holder,
    standalone_id,
    title_match,
)
from pipeline.merge import (
    MergedItem,
    MergedMeeting,
    SourceDoc,
    SourceRole,
    merge_meeting,
    split_by_start_time,
    standalone,
)
from pipeline.text_noise import text_noise
from storage.bilag_link import HEAD_CHARS, attachment_words, bilag_match, document_words
from storage.engine import make_engine
from storage.models import (
    AttachmentWordRow,
    CopyKeyRow,
    DocumentRow,
    DocumentWordRow,
    ItemRow,
    MeetingRow,
    PageRow,
    ParticipantRow,
    SectionRow,
)
from storage.parsed import from_json, tables_json, tables_of, to_json

# A store reads the word pairs of the same few documents several times over (the new document's copy keys, the
# copy check of each group it rebuilds, each candidate's): the last few are kept. Keyed by the text itself, so
# a text always gets its own pairs; a few, as a long scan's pairs take tens of megabytes.
_word_pairs = lru_cache(maxsize=8)(shingles)
_copy_keys = lru_cache(maxsize=8)(copy_keys)


class _Lazy:
    """A value computed on first call: the group's word pairs are needed only when a copy candidate exists."""

    def __init__(self, make: Callable[[], list[frozenset[str]]]) -> None:
        self._make = make
        self._value: list[frozenset[str]] | None = None

    def __call__(self) -> list[frozenset[str]]:
        if self._value is None:
            self._value = self._make()
        return self._value


@dataclass(frozen=True, slots=True)
class SectionMeta:
    """What the merge decided about one stored section."""

    source: str | None = None
    decided_on: str | None = None
    decided_by: str | None = None
    raw_text: str = ""


@dataclass(frozen=True, slots=True)
class StoredMeeting:
    meeting_id: str
    meeting: Meeting
    source: SourceInfo  # the primary document
    municipality: str | None = None
    sources: tuple[SourceRole, ...] = ()
    section_meta: dict[tuple[int, int], SectionMeta] = field(default_factory=dict)  # (item, section) index
    item_sources: tuple[tuple[str, ...], ...] = ()  # per item: sha256 of every document that holds it
    pages: tuple[Page, ...] = ()  # page texts, for a document with no items
    attachment_pages: tuple[tuple[SourceRole, tuple[Page, ...]], ...] = ()  # each bilag document's pages

    def item_id(self, number: str) -> str:
        return f"{self.meeting_id}/{number}"


@dataclass(frozen=True, slots=True)
class Change:
    """What one add or remove did to the meetings: rewritten (to re-index) and gone (to drop from the index)."""

    meeting_id: str | None = None  # the meeting the document now belongs to
    role: str | None = None
    joined: bool = False  # the meeting already had other documents
    replaced: str | None = None  # path of an older version that gave way
    written: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()


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


class Archive:
    def __init__(self, url: str, engine: Engine | None = None) -> None:
        """`engine`: one storage.engine.make_engine(url) made already (its schema checked), else made here."""
        self.engine = engine or make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._pairs = _PairCache()

    def close(self) -> None:
        self.engine.dispose()

    # --- ingest ---------------------------------------------------------------------------

    def status_of(self, sha256: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(DocumentRow.status).where(DocumentRow.sha256 == sha256))

    def add_document(self, session: Session, path: Path, sha256: str, pages: list[Page], meeting: Meeting,
                     section_raw: dict[tuple[int, int], str]) -> Change:
        """Stage one ingested document inside the caller's transaction and rebuild the meeting it belongs to."""
        path = path.resolve()
        older = session.scalars(select(DocumentRow).where(
            DocumentRow.path == str(path), DocumentRow.sha256 != sha256, DocumentRow.status == "ingested")).all()
        anchors = [a for row in older for a in self._anchors(session, row)]
        self._drop_previous(session, path, sha256)
        for row in older:
            session.delete(row)
        if older:
            self._pairs.clear()  # SQLite may give a removed row's id to a new one
        doc = DocumentRow(path=str(path), filename=path.name, sha256=sha256, pages=len(pages), status="ingested",
                          parsed=to_json(meeting, section_raw),
                          group_key=self._item_home(session, meeting) or group_key(meeting.body, meeting.date))
        session.add(doc)
        session.flush()
        if pages:  # a bulk insert (see _insert_meeting); `doc.page_rows` loads them when first read
            session.execute(insert(PageRow), [
                {"document_id": doc.id, "number": p.number, "source": p.source, "text": p.text, "raw_text": p.raw_text,
                 "repairs": p.repairs, "words": [list(w) for w in p.words] or None} for p in pages])
        head = next((p.text[:HEAD_CHARS] for p in pages if p.number == 1), "")
        if words := document_words(path.name, head):
            session.execute(insert(DocumentWordRow), [{"document_id": doc.id, "word": w} for w in sorted(words)])
        pairs = _word_pairs("\n".join(p.text for p in pages))
        keys = self._pairs.put(doc, pairs, _copy_keys(pairs))  # its own _copy_of, when it stands alone, reads them
        if keys:
            session.execute(insert(CopyKeyRow), [{"document_id": doc.id, "key": k} for k in sorted(keys)])
        written, deleted, existed = self._rebuild(session, anchors + [_anchor(doc)])
        return Change(meeting_id=doc.meeting_id, role=doc.role, joined=doc.meeting_id in existed,
                      replaced=str(path) if older else None, written=written, deleted=deleted)

    def remove(self, session: Session, ident: str) -> Change:
        """Take a meeting (by id) or a document (by sha256 or path) out of the archive."""
        rows = session.scalars(select(DocumentRow).where(DocumentRow.meeting_id == ident)).all()
        if not rows:
            rows = session.scalars(select(DocumentRow).where(
                (DocumentRow.sha256 == ident.lower()) | (DocumentRow.path == ident)
                | (DocumentRow.path == str(Path(ident).resolve())))).all()
        if not rows:
            raise UnknownIdError(f"no meeting or document {ident!r} in the archive")
        anchors = [a for row in rows if row.status == "ingested" for a in self._anchors(session, row)]
        gone = {row.meeting_id for row in rows if row.meeting_id}
        for row in rows:
            session.delete(row)
        self._pairs.clear()  # SQLite may give a removed row's id to a new one
        session.flush()
        written, deleted, _existed = self._rebuild(session, anchors, also_gone=gone)
        return Change(written=written, deleted=deleted)

    def record_failure(self, path: Path, sha256: str, error: str) -> None:
        path = path.resolve() if path.exists() else path.absolute()
        with self.sessions.begin() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256))
            if row is None:
                session.add(DocumentRow(path=str(path), filename=path.name, sha256=sha256, status="failed",
                                        error=error))
            elif row.status == "failed":
                row.path, row.error = str(path), error

    def failures(self) -> list[FailedDocument]:
        with self.sessions() as session:
            rows = session.execute(select(DocumentRow.path, DocumentRow.error)
                                   .where(DocumentRow.status == "failed").order_by(DocumentRow.path)).all()
            return [FailedDocument(path=p, error=e or "") for p, e in rows]

    def clear_failures(self) -> int:
        with self.sessions.begin() as session:
            rows = session.scalars(select(DocumentRow).where(DocumentRow.status == "failed")).all()
            for row in rows:
                session.delete(row)
            return len(rows)

    def _drop_previous(self, session: Session, path: Path, sha256: str) -> None:
        """A failed attempt of the same bytes, or a failed attempt at the same path, gives way."""
        stale = session.scalars(select(DocumentRow).where(
            (DocumentRow.sha256 == sha256) | ((DocumentRow.path == str(path)) & (DocumentRow.status == "failed"))
        )).all()
        for row in stale:
            session.delete(row)
        if stale:
            self._pairs.clear()
        session.flush()

    def previous_version(self, path: Path, sha256: str) -> str | None:
        """The meeting id of an earlier, different version of the file at `path`, if any."""
        with self.sessions() as session:
            return session.scalar(select(DocumentRow.meeting_id).where(
                DocumentRow.path == str(path.resolve()), DocumentRow.sha256 != sha256,
                DocumentRow.status == "ingested"))

    # --- one meeting from all its documents ------------------------------------------------

    def _item_home(self, session: Session, meeting: Meeting) -> str | None:
        """A PDF of one item belongs to the meeting of that date with that item (number and title), even where
        its own heading names another body (an item sent on to the council, say)."""
        if len(meeting.items) != 1 or not meeting.date:
            return None
        item = meeting.items[0]
        for meeting_id, title in session.execute(
                select(MeetingRow.id, ItemRow.title).join(ItemRow).where(
                    MeetingRow.date == meeting.date, ItemRow.number == item.number).order_by(MeetingRow.id)):
            if title_match(title, item.title) >= SAME_ITEM and session.scalar(
                    select(func.count(ItemRow.id)).where(ItemRow.meeting_id == meeting_id)) > 1:
                return session.scalar(select(DocumentRow.group_key).where(
                    DocumentRow.meeting_id == meeting_id, DocumentRow.group_key.is_not(None)).limit(1))
        return None

    def _adopt_items(self, session: Session, key: str, docs: list[SourceDoc]) -> list[DocumentRow]:
        """Single-item documents of the same date filed under another body, whose item is one of ours."""
        full = [d for d in docs if len(d.meeting.items) > 1]
        date = next((d.meeting.date for d in full if d.meeting.date), None)
        if not full or date is None:
            return []
        ours = {i.number: i.title for d in full for i in d.meeting.items}
        adopted = []
        # a grouped document is filed under a meeting of its group's date: the meetings' date index finds the
        # few of that date (`group_key` ending in it alone would read every document of the archive)
        that_day = select(MeetingRow.id).where(MeetingRow.date == date)
        for row in session.scalars(select(DocumentRow).where(DocumentRow.meeting_id.in_(that_day),
                                                             DocumentRow.group_key.is_not(None),
                                                             DocumentRow.group_key != key,
                                                             DocumentRow.group_key.endswith(date),
                                                             DocumentRow.status == "ingested")):
            items = (row.parsed or {}).get("items", [])
            if len(items) == 1 and items[0]["number"] in ours and \
                    title_match(ours[items[0]["number"]], items[0]["title"]) >= SAME_ITEM:
                adopted.append(row)
        return adopted

    def _anchors(self, session: Session, row: DocumentRow) -> list[tuple[str, object]]:
        """What to rebuild when `row` goes: its own group, and the group of the meeting it was attached to."""
        anchors = [_anchor(row)]
        if row.group_key is None and row.meeting_id:
            key = session.scalar(select(DocumentRow.group_key).where(DocumentRow.meeting_id == row.meeting_id,
                                                                     DocumentRow.group_key.is_not(None)).limit(1))
            if key:
                anchors.append(("group", key))
        return anchors

    def _rebuild(self, session: Session, anchors: list[tuple[str, object]], also_gone: set[str] = frozenset()
                 ) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
        """Rebuild the meetings of these groups and stand-alone documents; returns the ids (written, deleted)
        and those of the written that some document was filed under before (a new document `joined` them:
        told by the rebuilt documents' own former meetings, not by reading every document's meeting)."""
        written: set[str] = set()
        old: set[str] = set(also_gone)
        keys: set[str] = set()
        loose: set[int] = set()
        for kind, value in anchors:
            if kind == "group":
                keys.add(value)  # type: ignore[arg-type]
            else:
                loose.add(value)  # type: ignore[arg-type]
        for doc_id in sorted(loose):
            row = session.get(DocumentRow, doc_id)
            if row is None:
                continue
            if row.meeting_id:
                old.add(row.meeting_id)
            key = self._linked_group(session, row)
            if key:
                keys.add(key)
            else:
                self._write_standalone(session, row)
                written.add(row.meeting_id)  # type: ignore[arg-type]
        for key in sorted(keys):
            new, before = self._rebuild_group(session, key)
            written |= new
            old |= before
        deleted = tuple(sorted(old - written))
        for meeting_id in deleted:
            row = session.get(MeetingRow, meeting_id)
            if row is not None:
                session.delete(row)
        session.flush()
        return tuple(sorted(written)), deleted, frozenset(old & written)

    def _source_doc(self, row: DocumentRow) -> SourceDoc:
        meeting, raw = from_json(row.parsed or {"kind": "andet"})
        text = "\n".join(p.text for p in row.page_rows)
        return SourceDoc(sha256=row.sha256, filename=row.filename, path=row.path, pages=row.pages,
                         quality=quality([p.source for p in row.page_rows]), meeting=meeting, raw_texts=raw,
                         text=text, noise=text_noise(text))

    def _linked_group(self, session: Session, row: DocumentRow) -> str | None:
        """The group of the meeting whose item attachments name this stand-alone document, if any."""
        best: tuple[float, str] | None = None
        head = self._pairs.head(row)
        words = document_words(row.filename, head)
        naming = select(AttachmentWordRow.item_id).where(AttachmentWordRow.word.in_(sorted(words)))
        for meeting_id, date, body, attachments in session.execute(  # only items sharing a long word can match
                select(MeetingRow.id, MeetingRow.date, MeetingRow.body, ItemRow.attachments).join(ItemRow)
                .where(ItemRow.id.in_(naming))) if words else ():
            for title in attachments or []:
                score = bilag_match(title, row.filename, head, _doc_date(row), date, body)
                if score and (best is None or (score, meeting_id) > best):
                    best = (score, meeting_id)
        if best is None:
            return self._copy_of(session, row)
        return session.scalar(select(DocumentRow.group_key).where(DocumentRow.meeting_id == best[1],
                                                                  DocumentRow.group_key.is_not(None)).limit(1))

    def _copy_of(self, session: Session, row: DocumentRow) -> str | None:
        """The group of a meeting document whose words hold this stand-alone document's (a partial scan whose
        cover the OCR could not read, say). Only the few documents sharing its copy keys are read."""
        mine, keys = self._pairs.of(row)
        best: tuple[float, str, str] | None = None  # the best match, not the first: ingest order must not matter
        shares: dict[str, float] = {}  # meeting -> share of the pairs it holds (for a piece too small for `best`)
        for other in self._key_candidates(session, row.id, keys):
            pairs, _keys = self._pairs.of(other)
            score = piece_containment(mine, pairs)
            if score >= PIECE_CONTAINMENT and (best is None or (score, other.sha256) > best[:2]):
                best = (score, other.sha256, other.group_key)  # type: ignore[assignment]
            if other.group_key and mine:
                shares[other.group_key] = max(shares.get(other.group_key, 0.0), len(mine & pairs) / len(mine))
        return best[2] if best else sole_holder(shares, len(mine))

    def _key_candidates(self, session: Session, own_id: int, keys: frozenset[int]) -> list[DocumentRow]:
        """Meeting documents sharing enough of these copy keys, most shared first (at most MAX_CANDIDATES).

        The piece asks with its QUERY_KEYS smallest keys (a uniform sample of them, whose shared share still
        estimates its containment) and reads at most COMMON_KEY + 1 documents per key: a key held by more
        documents is boilerplate (a body's cover or mission statement, printed in every meeting) and says nothing
        about which meeting the piece is from, so it is dropped. One statement of index look-ups, each bounded:
        the lookup does not grow with the archive."""
        asked = sorted(keys)[:QUERY_KEYS]
        if not asked:
            return []
        holders = _holders(session, asked, own_id)
        telling = [docs for docs in holders.values() if len(docs) <= COMMON_KEY]
        informative = len(asked) - (len(holders) - len(telling))
        shared: dict[int, int] = {}
        for docs in telling:
            for doc_id in docs:
                shared[doc_id] = shared.get(doc_id, 0) + 1
        ids = [d for d, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
               if enough_shared(n, informative)][:MAX_CANDIDATES]
        if not ids:
            return []
        return list(session.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)).order_by(DocumentRow.sha256)))

    def _sharing_keys(self, session: Session, group_ids: list[int]) -> set[int]:
        """Stand-alone documents sharing at least two telling copy keys with these documents: the only ones that
        may be copies of them, so no other is read. `_copy_of` judges a piece by the same keys: one shared key is
        never enough, and a key held by more than COMMON_KEY meeting documents is boilerplate it ignores. Such a
        key is not followed here either: a body's standard lines are in all its documents, and following their
        keys read every stand-alone document that prints them, at every store (bench_store_scale --furniture)."""
        keys = sorted(set(session.scalars(select(CopyKeyRow.key).where(CopyKeyRow.document_id.in_(group_ids)))))
        held = _held_at_most(session, keys)  # most keys have few holders of any kind: no join needed to tell
        crowded = [k for k in keys if held.get(k, 0) > COMMON_KEY]
        holders = _holders(session, crowded, own_id=-1)
        telling = [k for k in keys if held.get(k, 0) <= COMMON_KEY or len(holders.get(k, ())) <= COMMON_KEY]
        shared: dict[int, int] = {}
        for start in range(0, len(telling), 500):  # by the key index alone: a join let SQLite walk every document
            for doc_id in session.scalars(select(CopyKeyRow.document_id).where(
                    CopyKeyRow.key.in_(telling[start:start + 500]), CopyKeyRow.document_id.not_in(group_ids))):
                shared[doc_id] = shared.get(doc_id, 0) + 1
        twice = sorted(doc_id for doc_id, n in shared.items() if n >= 2)
        if not twice:
            return set()
        return set(session.scalars(select(DocumentRow.id).where(
            DocumentRow.id.in_(twice), DocumentRow.group_key.is_(None), DocumentRow.status == "ingested")))

    def _candidates(self, session: Session, docs: list[SourceDoc], sharing: set[int]) -> list[DocumentRow]:
        """The stand-alone documents a group's rebuild may take in: those sharing a long word with one of its
        Bilag titles (a bilag) or two copy keys with one of its documents (`sharing`: a copy); no other can be
        either."""
        words = attachment_words(t for d in docs for item in d.meeting.items for t in item.attachments)
        named = select(DocumentWordRow.document_id).where(DocumentWordRow.word.in_(sorted(words)))
        wanted = DocumentRow.id.in_(sorted(sharing)) | (DocumentRow.id.in_(named) if words else false())
        return list(session.scalars(select(DocumentRow).where(
            DocumentRow.group_key.is_(None), DocumentRow.status == "ingested", wanted).order_by(DocumentRow.id)))

    def _write_standalone(self, session: Session, row: DocumentRow) -> str:
        meeting_id = standalone_id(row.filename)
        taken = session.scalar(select(DocumentRow.id).where(DocumentRow.meeting_id == meeting_id,
                                                            DocumentRow.id != row.id).limit(1))
        if taken is not None:
            meeting_id = f"{meeting_id}-{row.sha256[:8]}"
        existing = session.get(MeetingRow, meeting_id)
        if existing is not None:
            session.delete(existing)
            session.flush()
        merged = standalone(meeting_id, self._source_doc(row))
        row.meeting_id, row.role, row.item_number = meeting_id, "document", None
        _insert_meeting(session, merged, {row.sha256: row.id})
        return meeting_id

    def _rebuild_group(self, session: Session, key: str) -> tuple[set[str], set[str]]:
        """Rebuild one group's meetings; returns the ids written and the ids its documents were filed under
        before (the caller deletes those not written again)."""
        rows = session.scalars(select(DocumentRow).where(DocumentRow.group_key == key,
                                                         DocumentRow.status == "ingested")
                               .options(selectinload(DocumentRow.page_rows))).all()
        old_ids = {r.meeting_id for r in rows if r.meeting_id}
        linked = session.scalars(select(DocumentRow).where(DocumentRow.group_key.is_(None),
                                                           DocumentRow.status == "ingested",
                                                           DocumentRow.meeting_id.in_(old_ids))).all()
        for meeting_id in sorted(old_ids):
            existing = session.get(MeetingRow, meeting_id)
            if existing is not None:
                session.delete(existing)
        session.flush()
        docs = [self._source_doc(r) for r in rows]
        adopted = self._adopt_items(session, key, docs)
        for row in adopted:
            if row.meeting_id:
                old_ids.add(row.meeting_id)
                existing = session.get(MeetingRow, row.meeting_id)
                if existing is not None:
                    session.delete(existing)
            row.group_key = key
        if adopted:
            session.flush()
            rows = [*rows, *adopted]
            docs += [self._source_doc(r) for r in adopted]
        if not docs:  # the meeting is gone; its bilag stand on their own again
            freed = {self._write_standalone(session, cand) for cand in linked}
            return freed, old_ids
        by_sha = {r.sha256: r for r in rows}
        sharing_any = self._sharing_keys(session, [r.id for r in rows])
        candidates = self._candidates(session, docs, sharing_any)
        meetings = split_by_start_time(key, docs)
        written: set[str] = set()
        for meeting_id, group in meetings.items():
            merged = merge_meeting(meeting_id, group)
            bilag = []
            texts = _Lazy(lambda group=group: [self._pairs.of(by_sha[d.sha256])[0] for d in group])
            copies = []
            sharing = sharing_any if len(meetings) == 1 else \
                self._sharing_keys(session, [by_sha[d.sha256].id for d in group])
            for cand in candidates:
                link = _best_link(merged, cand, self._pairs.head(cand))
                if link is not None:
                    bilag.append((self._source_doc(cand), link or None))
                    by_sha[cand.sha256] = cand
                    continue
                # a copy of this meeting's documents whose best match (`_copy_of`, the rule a document arriving
                # later meets) is this group, so the meeting a piece joins does not depend on which meeting was
                # rebuilt last; the cheap containment check first, the look-up only for a piece that passes it
                if cand.id in sharing and any(is_copy_within(self._pairs.of(cand)[0], t) for t in texts()) \
                        and self._copy_of(session, cand) == key:
                    copies.append(self._source_doc(cand))
                    by_sha[cand.sha256] = cand
            bilag, copied = _bilag_copies(bilag)
            copies += copied
            if bilag or copies:
                merged = merge_meeting(meeting_id, group, bilag, copies)
            for role in merged.sources:
                doc_row = by_sha[role.sha256]
                if doc_row.meeting_id and doc_row.meeting_id not in old_ids:
                    old_ids.add(doc_row.meeting_id)  # a stand-alone record that now is a bilag of this meeting
                doc_row.meeting_id, doc_row.role, doc_row.item_number = meeting_id, role.role, role.item_number
            _insert_meeting(session, merged, {s: r.id for s, r in by_sha.items()})
            written.add(meeting_id)
        session.flush()
        for cand in linked:  # a bilag no longer named by its meeting stands on its own again
            if cand.meeting_id not in written:
                self._write_standalone(session, cand)
                written.add(cand.meeting_id)  # type: ignore[arg-type]
        return written, old_ids

    # --- read -----------------------------------------------------------------------------

    def meeting_ids(self) -> list[str]:
        with self.sessions() as session:
            return list(session.scalars(select(MeetingRow.id).order_by(MeetingRow.date, MeetingRow.id)))

    def load(self, meeting_id: str, session: Session | None = None) -> StoredMeeting | None:
        if session is None:
            with self.sessions() as own:
                return self.load(meeting_id, own)
        row = session.scalar(select(MeetingRow).where(MeetingRow.id == meeting_id).options(
            selectinload(MeetingRow.items).selectinload(ItemRow.sections),
            selectinload(MeetingRow.participants), selectinload(MeetingRow.document).selectinload(
                DocumentRow.page_rows)))
        if row is None:
            return None
        docs = session.scalars(select(DocumentRow).where(DocumentRow.meeting_id == meeting_id)).all()
        stored = _stored(row, docs)
        bilag = [s for s in stored.sources if s.role == "bilag"]
        if not bilag:
            return stored
        by_sha = {d.sha256: d for d in docs}
        return replace(stored, attachment_pages=tuple((s, _pages(by_sha[s.sha256].page_rows)) for s in bilag))

    def iter_meetings(self) -> Iterator[StoredMeeting]:
        for meeting_id in self.meeting_ids():
            stored = self.load(meeting_id)
            if stored is not None:
                yield stored

    def meeting_id_of(self, sha256: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(DocumentRow.meeting_id).where(DocumentRow.sha256 == sha256))

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

    def meeting_rows(self, body: str | None = None, date_from: str | None = None, date_to: str | None = None
                     ) -> list[tuple[MeetingRow, list[DocumentRow]]]:
        """Meetings (oldest first) with their documents, filtered by body (substring) and date range."""
        with self.sessions() as session:
            stmt = select(MeetingRow).order_by(MeetingRow.date, MeetingRow.id)
            if body:
                stmt = stmt.where(func.lower(MeetingRow.body).contains(body.lower()))
            if date_from:
                stmt = stmt.where(MeetingRow.date >= date_from)
            if date_to:
                stmt = stmt.where(MeetingRow.date <= date_to)
            meetings = session.scalars(stmt).all()
            docs: dict[str, list[DocumentRow]] = {}
            for doc in session.scalars(select(DocumentRow).where(DocumentRow.meeting_id.is_not(None))):
                docs.setdefault(doc.meeting_id, []).append(doc)  # type: ignore[arg-type]
            return [(m, _sorted_sources(docs.get(m.id, []))) for m in meetings]


# The meeting documents holding one copy key, at most :lim of them (an index look-up of bounded size); written as
# text, as a statement of a hundred such parts costs SQLAlchemy more to compile than the database to run.
_KEY_HOLDERS = ("SELECT * FROM (SELECT c.key, c.document_id FROM copy_keys c JOIN documents d ON d.id = c.document_id"
                " WHERE c.key = :k{n} AND c.document_id != :own AND d.group_key IS NOT NULL"
                " AND d.status = 'ingested' LIMIT :lim) AS q{n}")


class _PairCache:
    """Word pairs, copy keys and first lines of stored documents, by (row id, sha256): a document's pages never
    change once stored, and every store re-reads the same stand-alone documents (a meeting's rebuild checks
    each one sharing keys with its documents for a copy, the bilag check reads each one's first lines), so
    their pages are loaded and paired once, not per store."""

    SIZE = 24  # documents kept (a 150-page document's pairs are a few MB)
    HEADS = 20_000  # first lines kept (~400 characters each)

    def __init__(self) -> None:
        self._held: dict[tuple[int, str], tuple[frozenset[str], frozenset[int]]] = {}
        self._heads: dict[tuple[int, str], str] = {}  # `_head` of each, read for every rebuild's bilag check

    def head(self, row: DocumentRow) -> str:
        key = (row.id, row.sha256)
        if key not in self._heads:
            if len(self._heads) >= self.HEADS:  # a worker runs for days: the oldest go first
                del self._heads[next(iter(self._heads))]
            self._heads[key] = _head(row)
        return self._heads[key]

    def of(self, row: DocumentRow) -> tuple[frozenset[str], frozenset[int]]:
        key = (row.id, row.sha256)
        found = self._held.get(key)
        if found is None:
            pairs = shingles("\n".join(p.text for p in row.page_rows))
            found = (pairs, copy_keys(pairs))
        self.put(row, *found)  # now the most recently used
        return found

    def put(self, row: DocumentRow, pairs: frozenset[str], keys: frozenset[int]) -> frozenset[int]:
        self._held.pop((row.id, row.sha256), None)
        while len(self._held) >= self.SIZE:
            del self._held[next(iter(self._held))]
        self._held[(row.id, row.sha256)] = (pairs, keys)
        return keys

    def clear(self) -> None:
        self._held.clear()
        self._heads.clear()


def _holders(session: Session, keys: list[int], own_id: int) -> dict[int, list[int]]:
    """The meeting documents (not `own_id`) holding each key, at most COMMON_KEY + 1 per key: enough to tell a
    boilerplate key, a bounded look-up however many documents hold it."""
    holders: dict[int, list[int]] = {}
    for key, doc_id in _per_key(session, _key_holders, keys, own=own_id):
        holders.setdefault(key, []).append(doc_id)
    return holders


def _held_at_most(session: Session, keys: list[int]) -> dict[int, int]:
    """How many documents hold each key, counted up to COMMON_KEY + 1 (an index-only look-up per key)."""
    return {key: n for key, n in _per_key(session, _key_counts, keys)}


def _per_key(session: Session, statement: Callable[[int], TextClause], keys: list[int],
             **params: object) -> Iterator[Row]:
    """The rows of a per-key statement (`statement(count)`, bounded by :lim per key) for all `keys`."""
    for start in range(0, len(keys), 100):  # SQLite allows 500 terms in a compound select
        chunk = keys[start:start + 100]
        values = {f"k{n}": k for n, k in enumerate(chunk)} | {"lim": COMMON_KEY + 1} | params
        yield from session.execute(statement(len(chunk)), values)


@lru_cache(maxsize=128)
def _key_counts(count: int) -> TextClause:
    return text(" UNION ALL ".join(f"SELECT :k{n} AS key, (SELECT count(*) FROM (SELECT 1 FROM copy_keys "
                                   f"WHERE key = :k{n} LIMIT :lim) AS q{n}) AS n" for n in range(count)))


@lru_cache(maxsize=128)
def _key_holders(count: int) -> TextClause:
    """The statement asking for `count` keys' holders, made once per count: parsing its bind parameters (100
    sub-selects) cost more than running it."""
    return text(" UNION ALL ".join(_KEY_HOLDERS.format(n=n) for n in range(count)))
SAME_ITEM = 0.8  # title agreement for an item PDF filed under another body to join a meeting of its date


class UnknownIdError(MoedearkivError):
    exit_code = 1
    hint = "list meeting ids with: moedearkiv meetings (documents: moedearkiv meetings --json, field sources)"


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _head(row: DocumentRow) -> str:
    first = next((p for p in row.page_rows if p.number == 1), None)
    return first.text[:HEAD_CHARS] if first else ""


def _doc_date(row: DocumentRow) -> str | None:
    date = (row.parsed or {}).get("date")
    if date:
        return date
    match = _DATE.search(row.filename)
    return match.group(0) if match else None


def _best_link(merged: MergedMeeting, row: DocumentRow, head: str) -> str | None:
    """The number of the item whose Bilag list names the document best (`head`: its `_head`); None when no
    attachment title does."""
    best: tuple[float, str] | None = None
    doc_date = _doc_date(row)
    for item in merged.items:
        for title in item.item.attachments:
            score = bilag_match(title, row.filename, head, doc_date, merged.meeting.date, merged.meeting.body)
            if score and (best is None or score > best[0]):
                best = (score, item.item.number)
    return best[1] if best else None


def _bilag_copies(bilag: list[tuple[SourceDoc, str | None]]) -> tuple[list[tuple[SourceDoc, str | None]],
                                                                     list[SourceDoc]]:
    """(bilag, copies): of two attachments whose word pairs one holds the other's (a partial scan, a re-export of
    the same attachment), the larger is the bilag and the other its copy, not a second bilag; larger first, the
    hash breaking ties, so the outcome does not depend on arrival order."""
    pairs = {doc.sha256: _word_pairs(doc.text) for doc, _ in bilag}
    kept: list[tuple[SourceDoc, str | None]] = []
    copies: list[SourceDoc] = []
    for doc, number in sorted(bilag, key=lambda b: (-len(pairs[b[0].sha256]), b[0].sha256)):
        if any(is_copy_within(pairs[doc.sha256], pairs[k.sha256]) for k, _ in kept):
            copies.append(doc)
        else:
            kept.append((doc, number))
    return kept, copies


def _anchor(row: DocumentRow) -> tuple[str, object]:
    return ("group", row.group_key) if row.group_key else ("doc", row.id)


def _sorted_sources(docs: list[DocumentRow]) -> list[DocumentRow]:
    order = {"referat": 0, "dagsorden": 1, "item": 2, "bilag": 3, "copy": 4, "document": 5}
    return sorted(docs, key=lambda d: (order.get(d.role or "", 9), d.item_number or "", d.filename, d.sha256))


def _insert_meeting(session: Session, merged: MergedMeeting, doc_ids: dict[str, int]) -> None:
    """The meeting's rows, by bulk inserts: the ORM's unit of work inserts row by row on SQLite to learn each
    new id (no sentinel support there), 6,500 statements and their ORM objects on the 2,000-page batch, where
    only the items' ids are needed, and those are read back in one query."""
    m = merged.meeting
    session.execute(insert(MeetingRow), [{
        "id": merged.meeting_id, "document_id": doc_ids.get(merged.primary or ""), "kind": m.kind, "body": m.body,
        "date": m.date, "start_time": m.start_time, "location": m.location, "municipality": merged.municipality,
        "toc": [{"number": t.number, "title": t.title, "page": t.page} for t in m.toc],
        "tables": tables_json(m.tables)}])
    if m.participants:
        session.execute(insert(ParticipantRow), [
            {"meeting_id": merged.meeting_id, "position": i, "name": p.name, "party": p.party,
             "municipality": p.municipality, "status": p.status, "substitute_for": p.substitute_for, "role": p.role}
            for i, p in enumerate(m.participants)])
    if not merged.items:
        return
    session.execute(insert(ItemRow), [_item_values(merged.meeting_id, i, item) for i, item in enumerate(merged.items)])
    item_ids = dict(session.execute(select(ItemRow.position, ItemRow.id)
                                    .where(ItemRow.meeting_id == merged.meeting_id)).all())
    sections = [{"item_id": item_ids[i], "position": j, "name": s.section.name, "heading": s.section.heading,
                 "text": s.section.text, "raw_text": s.raw_text, "page_start": s.section.page_start,
                 "page_end": s.section.page_end, "decided_on": s.decided_on, "decided_by": s.decided_by,
                 "source": s.source}
                for i, item in enumerate(merged.items) for j, s in enumerate(item.sections)]
    if sections:
        session.execute(insert(SectionRow), sections)
    words = [{"item_id": item_ids[i], "word": w} for i, item in enumerate(merged.items)
             for w in sorted(attachment_words(item.item.attachments))]
    if words:
        session.execute(insert(AttachmentWordRow), words)


def _item_values(meeting_id: str, position: int, merged: MergedItem) -> dict[str, object]:
    item = merged.item
    return {"meeting_id": meeting_id, "position": position, "number": item.number, "heading": item.heading,
            "title": item.title, "case_number": item.case_number, "case_initials": item.case_initials,
            "closed": item.closed, "page_start": item.page_start, "page_end": item.page_end,
            "attachments": list(item.attachments),
            "tables": tables_json(item.tables),
            "sources": list(merged.sources)}


def _pages(rows: list[PageRow]) -> tuple[Page, ...]:
    return tuple(Page(number=p.number, text=p.text, source=p.source, raw_text=p.raw_text,  # type: ignore[arg-type]
                      repairs=p.repairs, words=tuple(tuple(w) for w in p.words or ())) for p in rows)


def _stored(row: MeetingRow, docs: list[DocumentRow]) -> StoredMeeting:
    meeting = Meeting(
        kind=row.kind, body=row.body, date=row.date, start_time=row.start_time, location=row.location,  # type: ignore[arg-type]
        participants=tuple(Participant(name=p.name, party=p.party, municipality=p.municipality,
                                       status=p.status, substitute_for=p.substitute_for, role=p.role)  # type: ignore[arg-type]
                           for p in row.participants),
        toc=tuple(TocEntry(number=t["number"], title=t["title"], page=t.get("page")) for t in row.toc or []),
        items=tuple(Item(
            number=i.number, title=i.title, heading=i.heading, case_number=i.case_number,
            case_initials=i.case_initials, closed=i.closed, page_start=i.page_start, page_end=i.page_end,
            attachments=tuple(i.attachments or []), tables=tables_of(i.tables),
            sections=tuple(Section(name=s.name, text=s.text, page_start=s.page_start, page_end=s.page_end,
                                   heading=s.heading) for s in i.sections),
        ) for i in row.items),
        tables=tables_of(row.tables),
        # the agenda system the parser recognised in the primary document (kept in its own parse, `parsed`)
        template=((row.document.parsed or {}).get("template") if row.document is not None else None) or "generic",
    )
    meta = {(i, j): SectionMeta(source=s.source, decided_on=s.decided_on, decided_by=s.decided_by,
                                raw_text=s.raw_text or "")
            for i, item in enumerate(row.items) for j, s in enumerate(item.sections)}
    primary = row.document
    page_rows = primary.page_rows if primary is not None else []
    source = SourceInfo(filename=primary.filename if primary else row.id,
                        sha256=primary.sha256 if primary else "0" * 64, pages=primary.pages if primary else 0,
                        ocr_pages=tuple(p.number for p in page_rows if p.source == "ocr"),
                        repaired_words=sum(p.repairs for p in page_rows))
    roles = tuple(SourceRole(sha256=d.sha256, filename=d.filename, path=d.path, pages=d.pages, role=d.role or "copy",
                             item_number=d.item_number) for d in _sorted_sources(list(docs)))
    pages = () if meeting.items else _pages(page_rows)
    return StoredMeeting(meeting_id=row.id, meeting=meeting, source=source, municipality=row.municipality,
                         sources=roles, section_meta=meta, pages=pages,
                         item_sources=tuple(tuple(i.sources or []) for i in row.items))
