"""The Whoosh schema and how a SectionDoc becomes one Whoosh document."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Composable, Filter, RegexTokenizer, Token
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from index.analysis import STOP_WORDS, WORD_RE, word_keys
from index.documents import SectionDoc

SCHEMA_VERSION = 2  # 2: past-tense verbs stemmed with their other forms (analysis.stem)


class DanishStemAliasFilter(Filter):
    """Lowercase, drop stop words (renumbering positions), stem, and add the ASCII alias (analysis.py)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DanishStemAliasFilter)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos = 0
        for tok in tokens:
            word = tok.text.lower()
            if word in STOP_WORDS:
                continue
            if tok.positions:
                tok.pos = pos
            pos += 1
            for key in word_keys(word):
                tok.text = key
                yield tok


def danish_analyzer() -> Composable:
    return RegexTokenizer(WORD_RE) | DanishStemAliasFilter()


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
        case_number=ID(stored=True),
        section=ID(stored=True, sortable=True),
        section_lc=ID(),
        page=STORED(),
        title=TEXT(analyzer=analyzer, phrase=True),
        text=TEXT(analyzer=analyzer, phrase=True, stored=True),
        raw=TEXT(analyzer=analyzer, phrase=False),
        raw_text=STORED(),
    )


def doc_key(meeting_id: str, position: int) -> str:
    """Stable key of a section: the same meeting parsed again replaces its sections one for one."""
    return f"{meeting_id}#{position:05d}"


def _date_num(iso: str | None) -> int | None:
    if not iso or len(iso) < 10:
        return None
    digits = iso[:10].replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else None


def to_fields(doc: SectionDoc, damaged: str) -> dict[str, Any]:
    """Whoosh field values for one section; `damaged` is analysis.damaged_words(raw, text)."""
    fields: dict[str, Any] = {
        "key": doc_key(doc.meeting_id, doc.position),
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
        "item_key": f"{doc.meeting_id}|{doc.item_number or ''}|{doc.item_title or ''}",
        "case_number": normalize_case_number(doc.case_number) if doc.case_number else "",
        "section": doc.section,
        "section_lc": doc.section.lower(),
        "page": doc.page,
        "title": doc.item_title or "",
        "text": doc.text,
        "raw": damaged,
        "raw_text": doc.raw_text if damaged else "",
    }
    date_num = _date_num(doc.date)
    if date_num is not None:
        fields["date_num"] = date_num
    return fields


def normalize_case_number(value: str) -> str:
    return "".join(value.split()).upper()
