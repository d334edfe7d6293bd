"""A SectionDoc as one row of the search table: tsvector literals built from the project's Danish analysis.

The terms are index/analysis.py's (the same stems and ASCII aliases Whoosh and Tantivy hold), written as a
`'simple'` tsvector so PostgreSQL does no stemming of its own. Title, text and raw OCR words share one
vector, told apart by weight labels (A title, D text, C raw, B the case number as one identifier token);
each part starts `FIELD_GAP` positions after the previous one, so a phrase never spans two fields. Terms and
positions are analysis.index_terms' (identifiers typed in the text are whole keys too, as in the others).
"""
from __future__ import annotations

from index.analysis import STOP_WORDS, WORD_RE, damaged_words, identifier_key, index_terms, word_keys
from index.documents import SectionDoc
from index.fields import date_num, normalize_case_number
from index.records import item_key

TITLE, TEXT, RAW, IDS = "A", "D", "C", "B"
FIELD_GAP = 100
MAX_POSITION = 16383  # PostgreSQL's limit; later words keep their terms but share the last position


def quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _positions(text: str, start: int, weight: str, out: dict[str, list[str]]) -> int:
    position = start
    for offset, keys in index_terms(text):
        position = start + offset
        for key in keys:
            out.setdefault(key, []).append(f"{min(position, MAX_POSITION)}{weight}")
        position += 1
    return position


def tsvector_literal(title: str, text: str, raw: str, case_number: str | None = None) -> str:
    """`'stem':1A,7D 'other':3D ...` for the parts of a section (and its case number's whole key)."""
    terms: dict[str, list[str]] = {}
    end = _positions(title, 1, TITLE, terms)
    end = _positions(text, end + FIELD_GAP, TEXT, terms)
    end = _positions(raw, end + FIELD_GAP, RAW, terms)
    whole = identifier_key(case_number) if case_number else None
    if whole:
        terms.setdefault(whole, []).append(f"{min(end + FIELD_GAP, MAX_POSITION)}{IDS}")
    return " ".join(f"{quote(term)}:{','.join(dict.fromkeys(pos))}" for term, pos in terms.items())


def body_keys(body: str | None) -> list[str]:
    """Index terms of a name's words (with ASCII aliases), for `body:` and `municipality:` filters that need
    all words."""
    words = [w for w in WORD_RE.findall((body or "").lower()) if w not in STOP_WORDS]
    return list(dict.fromkeys(key for w in words for key in word_keys(w)))


def to_row(doc: SectionDoc) -> dict[str, object]:
    """Every SectionDoc field as a column (so later filters need no reindex), plus the derived search columns."""
    damaged = damaged_words(doc.raw_text, doc.text)
    return {
        "meeting_id": doc.meeting_id, "position": doc.position, "date": doc.date, "kind": doc.kind,
        "body": doc.body, "item_number": doc.item_number, "item_title": doc.item_title,
        "case_number": doc.case_number, "section": doc.section, "page": doc.page, "text": doc.text,
        "raw_text": doc.raw_text if damaged else "", "item_id": doc.item_id, "municipality": doc.municipality,
        "closed": doc.closed, "decided_on": doc.decided_on, "decided_by": doc.decided_by, "source": doc.source,
        "also_in": list(doc.also_in),
        "year": doc.date[:4] if doc.date else None, "date_num": date_num(doc.date),
        "case_norm": normalize_case_number(doc.case_number) if doc.case_number else None,
        "body_words": body_keys(doc.body), "municipality_words": body_keys(doc.municipality),
        "decided_num": date_num(doc.decided_on) or date_num(doc.date),
        "item_key": item_key(doc),
        "tsv": tsvector_literal(doc.item_title or "", doc.text, damaged, doc.case_number),
    }
