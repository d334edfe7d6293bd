"""Turn the parsed query tree (index/query.py) and SearchFilters into Whoosh query objects.

The weights are index/ranking.py's, applied as BM25F field boosts; query words go through index/analysis.py,
as the indexed text did.
"""
from __future__ import annotations

from whoosh import query as wq

from index.analysis import analyze, fold, identifier_key, prefix_forms
from index.fields import normalize_case_number
from index.model import SearchFilters
from index.query import And, Filter, Node, Not, Or, Phrase, Word, restrictions
from index.ranking import IDENT_BOOST, PROXIMITY_BOOST, PROXIMITY_SLOP, RAW_BOOST, TITLE_BOOST
from index.ranking import field_boosts as _fields


def _term(field: str, word: str, boost: float) -> wq.Query:
    stems = analyze(word)
    if field == "raw":  # raw is OCR output: its words may be the transliterated form of a Danish query word
        keys = dict.fromkeys(s for w in (word.lower(), fold(word.lower())) for s in analyze(w))
        if len(stems) == 1 and len(keys) > 1:
            return wq.Or([wq.Term(field, k, boost=boost) for k in keys])
    if len(stems) == 1:
        return wq.Term(field, stems[0], boost=boost)
    if field == "raw":  # raw has no positions: all the parts must occur
        return wq.And([wq.Term(field, s, boost=boost) for s in stems])
    return wq.Phrase(field, stems, boost=boost)


def _prefix(field: str, word: str, boost: float) -> wq.Query:
    parts = [wq.Prefix(field, form, boost=boost) for form in prefix_forms(word)]
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _word(node: Word) -> wq.Query:
    make = _prefix if node.prefix else _term
    parts = [make(field, node.text, boost) for field, boost in _fields(node.field)]
    whole = None if node.prefix else identifier_key(node.text)
    if whole:  # the identifier as one token, in the text and as the item's case number
        parts += [wq.Term(field, whole, boost=boost) for field, boost in _fields(node.field) if field != "raw"]
        if node.field is None:
            parts.append(wq.Term("ids", whole, boost=IDENT_BOOST))
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _phrase(node: Phrase) -> wq.Query:
    stems = analyze(node.text)
    if len(stems) == 1:
        return _word(Word(node.text, node.field))
    fields = [(f, b) for f, b in _fields(node.field) if f != "raw"] or [("raw", RAW_BOOST)]
    parts = [wq.Phrase(f, stems, boost=b) if f != "raw" else wq.And([wq.Term(f, s) for s in stems])
             for f, b in fields]
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _filter(node: Filter) -> wq.Query:
    value = node.value
    if node.field == "section":
        query: wq.Query = wq.Term("section_lc", value.lower())
    elif node.field == "kind":
        query = wq.Term("kind_lc", value.lower())
    elif node.field == "case":
        query = wq.Term("case_number", normalize_case_number(value))
    elif node.field == "year":
        query = wq.Term("year", value)
    elif node.field == "closed":
        query = wq.Term("closed", value)
    elif node.field == "municipality":
        query = _words("municipality", value)
    else:
        query = _words("body", value)
    return wq.ConstantScoreQuery(query, 0.0)


def _words(field: str, value: str) -> wq.Query:
    """All the words of `value` in the name (`hovedstaden` matches `KKR Hovedstaden`)."""
    stems = analyze(value)
    if not stems:
        return wq.Term(field, value)
    return wq.And([wq.Term(f"{field}_words", s) for s in stems])


def _proximity(children: tuple[Node, ...]) -> wq.Query | None:
    """An optional phrase over the plain, unfielded words of an AND (in query order)."""
    words = [c.text for c in children if isinstance(c, Word) and c.field is None and not c.prefix]
    stems = [s for w in words for s in analyze(w)]
    if len(stems) < 2:
        return None
    return wq.Or([wq.Phrase("title", stems, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST * TITLE_BOOST),
                  wq.Phrase("text", stems, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)])


def compile_node(node: Node) -> wq.Query:
    if isinstance(node, Word):
        return _word(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Filter):
        return _filter(node)
    if isinstance(node, Not):
        return wq.AndNot(wq.Every(), compile_node(node.child))
    if isinstance(node, Or):
        return wq.Or([compile_node(c) for c in node.children])
    return _and(node)


def _and(node: And) -> wq.Query:
    positives = [compile_node(c) for c in node.children if not isinstance(c, Not)]
    negatives = [compile_node(c.child) for c in node.children if isinstance(c, Not)]
    required: wq.Query = wq.And(positives) if len(positives) > 1 else positives[0] if positives else wq.Every()
    if negatives:
        required = wq.AndNot(required, negatives[0] if len(negatives) == 1 else wq.Or(negatives))
    proximity = _proximity(node.children)
    return wq.AndMaybe(required, proximity) if proximity is not None else required


def compile_filters(filters: SearchFilters) -> wq.Query | None:
    limits = restrictions(filters)
    parts: list[wq.Query] = [_filter(f) for f in limits.filters]
    if limits.date_low is not None or limits.date_high is not None:
        parts.append(wq.NumericRange(limits.date_field, limits.date_low, limits.date_high))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
