"""What the index holds per meeting: one record per (item, section), never two.

Storage hands the index one SectionDoc per section of the merged meeting, but an item may carry several
tables (`Tabel`) and a document without items one record per page (`Tekst`): records with the same
meeting, item and section are joined here into one, so a search never returns the same section twice.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from index.documents import SectionDoc


def item_key(doc: SectionDoc) -> str:
    """The item a record belongs to: its item id, else the meeting with the item's number and title."""
    return doc.item_id or f"{doc.meeting_id}|{doc.item_number or ''}|{doc.item_title or ''}"


def record_key(doc: SectionDoc) -> str:
    """Stable index key: meeting id, item id, section and position (the same meeting re-added replaces it)."""
    return f"{doc.meeting_id}#{doc.item_id or doc.item_number or ''}#{doc.section}#{doc.position:05d}"


def content_key(doc: SectionDoc) -> str:
    """`record_key` with a digest of everything the record holds: the same key means the same record, so an
    engine that keeps the keys rewrites only the records of a meeting that changed (see `RecordDelta`)."""
    digest = hashlib.blake2b(repr(doc).encode(), digest_size=10).hexdigest()
    return f"{record_key(doc)}@{digest}"


@dataclass(frozen=True, slots=True)
class RecordDelta:
    """What turns a meeting's indexed records into its new ones: keys to delete, records to add (by key)."""

    gone: tuple[str, ...]
    added: tuple[tuple[str, SectionDoc], ...]
    total: int  # records the meeting holds afterwards

    @classmethod
    def between(cls, indexed: Iterable[str], docs: Iterable[SectionDoc]) -> RecordDelta:
        """`indexed`: the content keys the index holds for the meeting; `docs`: its records as they are now."""
        new = {content_key(doc): doc for doc in merged_records(docs)}
        old = set(indexed)
        return cls(gone=tuple(sorted(old - new.keys())),
                   added=tuple((key, doc) for key, doc in new.items() if key not in old), total=len(new))


def merged_records(docs: Iterable[SectionDoc]) -> Iterator[SectionDoc]:
    """`docs` (meeting after meeting) with same-(meeting, item, section) records joined, in first-seen order."""
    meeting: str | None = None
    group: dict[tuple[str, str], SectionDoc] = {}
    for doc in docs:
        if doc.meeting_id != meeting:
            yield from group.values()
            group, meeting = {}, doc.meeting_id
        key = (item_key(doc), doc.section)
        first = group.get(key)
        group[key] = doc if first is None else _join(first, doc)
    yield from group.values()


def _join(first: SectionDoc, other: SectionDoc) -> SectionDoc:
    raw = ""
    if first.raw_text or other.raw_text:  # a part without damage keeps its text in the joined raw text
        raw = f"{first.raw_text or first.text}\n\n{other.raw_text or other.text}"
    return replace(first, text=f"{first.text}\n\n{other.text}", raw_text=raw,
                   closed=first.closed or other.closed,
                   also_in=tuple(dict.fromkeys((*first.also_in, *other.also_in))))
