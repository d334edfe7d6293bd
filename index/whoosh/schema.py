"""The Whoosh schema and how a SectionDoc becomes one Whoosh document (terms from index/analysis.py)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from index.analysis import identifier_key, index_terms
from index.documents import SectionDoc
from index.fields import date_num, normalize_case_number
from index.records import content_key, item_key


class DanishTokenizer(Tokenizer):
    """Whoosh tokens from analysis.index_terms: stems, aliases and identifiers at their shared positions."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DanishTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        tok = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, keys in index_terms(value):
            for key in keys:
                tok.text = key
                tok.stopped = False
                tok.boost = 1.0
                if positions:
                    tok.pos = start_pos + pos
                if chars:
                    tok.startchar = tok.endchar = start_char
                yield tok


def danish_analyzer() -> DanishTokenizer:
    return DanishTokenizer()


def build_schema() -> Schema:
    """Text fields: title (item title), text (repaired section text), raw (only the OCR-damaged words)."""
    analyzer = danish_analyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        meeting_id=ID(stored=True),
        position=STORED(),
        date=STORED(),
        date_num=NUMERIC(int, bits=32, signed=False),
        year=ID(sortable=True),
        kind=ID(stored=True, sortable=True),
        kind_lc=ID(),
        body=ID(stored=True, sortable=True),
        body_words=TEXT(analyzer=analyzer, phrase=False),
        item_number=STORED(),
        item_title=STORED(),
        item_key=ID(sortable=True),
        item_id=STORED(),
        case_number=ID(stored=True),
        ids=ID(),  # whole-token identifiers: the case number, lowercased (a bare `12/27845` finds the item)
        municipality=ID(stored=True, sortable=True),
        municipality_words=TEXT(analyzer=analyzer, phrase=False),
        closed=ID(stored=True, sortable=True),  # "true" | "false"
        decided_on=STORED(),
        decided_by=STORED(),
        decided_num=NUMERIC(int, bits=32, signed=False),
        sort_date=NUMERIC(int, bits=32, signed=False, sortable=True),  # date_num, 0 when undated
        source=STORED(),
        also_in=STORED(),
        section=ID(stored=True, sortable=True),
        section_lc=ID(),
        page=STORED(),
        title=TEXT(analyzer=analyzer, phrase=True),
        text=TEXT(analyzer=analyzer, phrase=True, stored=True),
        raw=TEXT(analyzer=analyzer, phrase=False),
        raw_text=STORED(),
    )


def to_fields(doc: SectionDoc, damaged: str, key: str | None = None) -> dict[str, Any]:
    """Whoosh field values for one section; `damaged` is analysis.damaged_words(raw, text), `key` its
    records.content_key (computed when not given)."""
    fields: dict[str, Any] = {
        "key": key or content_key(doc),
        "meeting_id": doc.meeting_id,
        "position": doc.position,
        "date": doc.date,
        "year": doc.date[:4] if doc.date else "",
        "kind": doc.kind,
        "kind_lc": doc.kind.lower(),
        "body": doc.body or "",
        "body_words": doc.body or "",
        "item_number": doc.item_number,
        "item_title": doc.item_title,
        "item_key": item_key(doc),
        "item_id": doc.item_id,
        "case_number": normalize_case_number(doc.case_number) if doc.case_number else "",
        "ids": (identifier_key(doc.case_number) or "") if doc.case_number else "",
        "municipality": doc.municipality or "",
        "municipality_words": doc.municipality or "",
        "closed": "true" if doc.closed else "false",
        "decided_on": doc.decided_on,
        "decided_by": doc.decided_by,
        "source": doc.source,
        "also_in": tuple(doc.also_in),
        "section": doc.section,
        "section_lc": doc.section.lower(),
        "page": doc.page,
        "title": doc.item_title or "",
        "text": doc.text,
        "raw": damaged,
        "raw_text": doc.raw_text if damaged else "",
    }
    number = date_num(doc.date)
    fields["sort_date"] = number or 0
    if number is not None:
        fields["date_num"] = number
    decided = date_num(doc.decided_on) or number
    if decided is not None:
        fields["decided_num"] = decided
    return fields
