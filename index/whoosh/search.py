"""Running a parsed query on a Whoosh searcher: hits with snippets, totals and facet counts."""
from __future__ import annotations

from collections import Counter
from typing import Any

from whoosh.searching import Searcher

from index.model import FACET_FIELDS, Hit, SearchFilters, SearchResult, facet_counts
from index.query import Paging, parse_query
from index.snippet import Highlight, highlight_for, section_snippet
from index.whoosh.query import compile_filters, compile_node


class FacetColumns:
    """Facet and collapse values of every document, read once per searcher (a list lookup per match
    is much cheaper than Whoosh's per-document categorizers)."""

    def __init__(self, searcher: Searcher) -> None:
        self._reader = searcher.reader()
        self._columns: dict[str, list[Any]] = {}

    def column(self, name: str) -> list[Any]:
        if name not in self._columns:
            self._columns[name] = list(self._reader.column_reader(name))
        return self._columns[name]

    def counts(self, docnums: list[int]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name in FACET_FIELDS:
            column = self.column(name)
            out[name] = facet_counts(Counter(column[d] for d in docnums))
        return out


def _hit(fields: dict[str, Any], score: float, highlight: Highlight) -> Hit:
    return Hit(
        meeting_id=fields["meeting_id"],
        date=fields.get("date"),
        kind=fields.get("kind", ""),
        body=fields.get("body") or None,
        item_number=fields.get("item_number"),
        item_title=fields.get("item_title"),
        section=fields.get("section", ""),
        page=fields.get("page"),
        score=round(float(score), 4),
        snippet=section_snippet(fields.get("text") or "", fields.get("raw_text") or "", highlight),
        case_number=fields.get("case_number") or None,
        position=int(fields.get("position") or 0),
        item_id=fields.get("item_id"),
        municipality=fields.get("municipality") or None,
        closed=fields.get("closed") == "true",
        decided_on=fields.get("decided_on"),
        decided_by=fields.get("decided_by"),
        also_in=tuple(fields.get("also_in") or ()),
    )


def _ordered(ranked: list[tuple[float, int]], columns: FacetColumns, sort: str) -> list[tuple[float, int]]:
    """Best first, or by meeting date (undated last either way; ties keep their relevance order)."""
    if sort == "relevance":
        return ranked
    dates = columns.column("sort_date")
    sign = -1 if sort == "-date" else 1
    return [(0.0, d) for _, d in sorted(ranked, key=lambda hit: (dates[hit[1]] == 0, sign * dates[hit[1]]))]


def _ranked(ranked: list[tuple[float, int]], columns: FacetColumns, paging: Paging,
            per_item: bool) -> tuple[list[tuple[float, int]], int]:
    """The page of (score, docnum) pairs and the total; with `per_item` only the first section of each item
    counts. (Whoosh's own `collapse` miscounts totals and facets when it swaps a group's best document.)
    """
    end = paging.offset + paging.limit
    if not per_item:
        return ranked[paging.offset:end], len(ranked)
    keys = columns.column("item_key")
    best: dict[Any, tuple[float, int]] = {}
    for score, docnum in ranked:  # in result order
        best.setdefault(keys[docnum], (score, docnum))
    return list(best.values())[paging.offset:end], len(best)


def run_search(searcher: Searcher, columns: FacetColumns, query: str, filters: SearchFilters, paging: Paging,
               per_item: bool) -> SearchResult:
    """Parse, compile and run `query`; with `per_item` keep the best section of each (meeting, item).

    Every match is scored (the totals and facets need them all anyway); facets count matching sections.
    """
    node = parse_query(query)
    results = searcher.search(compile_node(node), limit=None, filter=compile_filters(filters))
    ranked = _ordered([(score, docnum) for score, docnum in results.top_n], columns, paging.sort)
    top, total = _ranked(ranked, columns, paging, per_item)
    highlight = highlight_for(node)
    hits = tuple(_hit(searcher.stored_fields(docnum), score, highlight) for score, docnum in top)
    return SearchResult(query=query, total=total, hits=hits, facets=columns.counts([d for _, d in ranked]),
                        offset=paging.offset, sort=paging.sort)
