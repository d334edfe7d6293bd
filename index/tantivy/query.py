"""Turn the parsed query tree (index/query.py) and SearchFilters into Tantivy queries.

Same policy and the same terms as the Whoosh engine (query words go through index/analysis.py, as the indexed
text did), with index/ranking.py's weights as boosts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import tantivy
from tantivy import FieldType, Occur
from tantivy import Query as TQ

from index.analysis import analyze, fold, identifier_key, prefix_forms
from index.fields import normalize_case_number
from index.model import SearchFilters
from index.query import And, Filter, Node, Not, Or, Phrase, Word, restrictions
from index.ranking import IDENT_BOOST, PROXIMITY_BOOST, PROXIMITY_SLOP, RAW_BOOST, TEXT_BOOST, TITLE_BOOST
from index.ranking import field_boosts as _fields


@dataclass(frozen=True, slots=True)
class QueryBuilder:
    """Compiles query trees against one schema."""

    schema: tantivy.Schema

    def compile(self, node: Node) -> TQ:
        if isinstance(node, Word):
            return self._word(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Filter):
            return TQ.const_score_query(self._filter(node), 0.0)
        if isinstance(node, Not):
            return TQ.boolean_query([(Occur.Must, TQ.all_query()), (Occur.MustNot, self.compile(node.child))])
        if isinstance(node, Or):
            return _any([self.compile(c) for c in node.children])
        return self._and(node)

    def filters(self, filters: SearchFilters) -> list[TQ]:
        """Each restriction as a query that must match (scores nothing)."""
        limits = restrictions(filters)
        parts: list[TQ] = [self._filter(f) for f in limits.filters]
        if limits.date_low is not None or limits.date_high is not None:
            parts.append(TQ.range_query(self.schema, limits.date_field, FieldType.Unsigned,
                                        limits.date_low, limits.date_high))
        return [TQ.const_score_query(p, 0.0) for p in parts]

    def _and(self, node: And) -> TQ:
        clauses = [(Occur.MustNot if isinstance(c, Not) else Occur.Must, self.compile(_negated(c)))
                   for c in node.children]
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, TQ.all_query()))
        proximity = self._proximity(node.children)
        if proximity is not None:
            clauses.append((Occur.Should, proximity))
        return TQ.boolean_query(clauses)

    def _word(self, node: Word) -> TQ:
        make = self._prefix if node.prefix else self._term
        parts = [make(field, node.text, boost) for field, boost in _fields(node.field)]
        whole = None if node.prefix else identifier_key(node.text)
        if whole:  # the identifier as one token, in the text and as the item's case number
            parts += [_boost(self._t(field, whole), boost) for field, boost in _fields(node.field) if field != "raw"]
            if node.field is None:
                parts.append(_boost(self._t("ids", whole), IDENT_BOOST))
        return _any(parts)

    def _term(self, field: str, word: str, boost: float) -> TQ:
        low = word.lower()
        stems = analyze(low)
        if field == "raw":  # OCR output may hold the transliterated form of a Danish query word
            keys = dict.fromkeys(s for w in (low, fold(low)) for s in analyze(w))
            if len(stems) == 1 and len(keys) > 1:
                return _boost(_any([self._t(field, k) for k in keys]), boost)
            return _boost(_all([self._t(field, s) for s in stems]), boost)  # raw has no positions
        if len(stems) == 1:
            return _boost(self._t(field, stems[0]), boost)
        return _boost(TQ.phrase_query(self.schema, field, stems), boost) if stems else TQ.empty_query()

    def _prefix(self, field: str, word: str, boost: float) -> TQ:
        parts = [TQ.regex_query(self.schema, field, re.escape(form) + ".*") for form in prefix_forms(word)]
        return _boost(_any(parts), boost)

    def _phrase(self, node: Phrase) -> TQ:
        stems = analyze(node.text)
        if len(stems) == 1:
            return self._word(Word(node.text, node.field))
        fields = [(f, b) for f, b in _fields(node.field) if f != "raw"]
        if not fields:  # raw has no positions: all the words must occur
            return _boost(_all([self._t("raw", s) for s in stems]), RAW_BOOST)
        return _any([_boost(TQ.phrase_query(self.schema, f, stems), b) for f, b in fields])

    def _proximity(self, children: tuple[Node, ...]) -> TQ | None:
        words = [c.text for c in children if isinstance(c, Word) and c.field is None and not c.prefix]
        stems = [s for w in words for s in analyze(w)]
        if len(stems) < 2:
            return None
        return _any([_boost(TQ.phrase_query(self.schema, f, stems, slop=PROXIMITY_SLOP), PROXIMITY_BOOST * b)
                     for f, b in (("title", TITLE_BOOST), ("text", TEXT_BOOST))])

    def _filter(self, node: Filter) -> TQ:
        value = node.value
        if node.field == "section":
            return self._t("section_lc", value.lower())
        if node.field == "kind":
            return self._t("kind_lc", value.lower())
        if node.field == "case":
            return self._t("case_number", normalize_case_number(value))
        if node.field == "year":
            return self._t("year", value)
        if node.field == "closed":
            return self._t("closed", value)
        name = "municipality" if node.field == "municipality" else "body"
        stems = analyze(value)
        return _all([self._t(f"{name}_words", s) for s in stems]) if stems else self._t(name, value)

    def _t(self, field: str, value: str) -> TQ:
        return TQ.term_query(self.schema, field, value)


def _negated(node: Node) -> Node:
    return node.child if isinstance(node, Not) else node


def _boost(query: TQ, boost: float) -> TQ:
    return query if boost == 1.0 else TQ.boost_query(query, boost)


def _any(parts: list[TQ]) -> TQ:
    if not parts:
        return TQ.empty_query()
    return parts[0] if len(parts) == 1 else TQ.boolean_query([(Occur.Should, p) for p in parts])


def _all(parts: list[TQ]) -> TQ:
    if not parts:
        return TQ.empty_query()
    return parts[0] if len(parts) == 1 else TQ.boolean_query([(Occur.Must, p) for p in parts])
