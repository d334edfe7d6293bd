"""Ranking weights, once for every engine: how much a match counts by where it is.

The item title weighs `TITLE_BOOST` times the section text; a match only in the raw OCR words (damaged
spellings) `RAW_BOOST`; a case number typed bare (`IDENT_BOOST`) as much as the title, so the item that carries
it comes first. Adjacent plain query words that also occur within `PROXIMITY_SLOP` of each other add
`PROXIMITY_BOOST`, so the phrase beats the same words scattered over a section. Whoosh (BM25F) and Tantivy
(BM25) apply them as boosts, PostgreSQL as `ts_rank` weights (`ts_rank_weights`).
"""
from __future__ import annotations

TITLE_BOOST = 3.0
TEXT_BOOST = 1.0
RAW_BOOST = 0.3
IDENT_BOOST = TITLE_BOOST
PROXIMITY_BOOST = 1.5
PROXIMITY_SLOP = 2

FIELD_BOOSTS: tuple[tuple[str, float], ...] = (("title", TITLE_BOOST), ("text", TEXT_BOOST), ("raw", RAW_BOOST))


def field_boosts(field: str | None) -> tuple[tuple[str, float], ...]:
    """(text field, boost) pairs a word is searched in: all three, or the one the query named."""
    return FIELD_BOOSTS if field is None else tuple(f for f in FIELD_BOOSTS if f[0] == field)


def ts_rank_weights() -> str:
    """The boosts as PostgreSQL's `ts_rank` weight array, in its order {D, C, B, A}: text, raw OCR words, the
    case number, the title; scaled so the largest is 1 (ts_rank's weights lie in 0..1)."""
    top = max(TITLE_BOOST, TEXT_BOOST, RAW_BOOST, IDENT_BOOST)
    return "{" + ", ".join(f"{w / top:.3f}" for w in (TEXT_BOOST, RAW_BOOST, IDENT_BOOST, TITLE_BOOST)) + "}"
