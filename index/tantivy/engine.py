"""The on-disk Tantivy index: the same public behaviour as the Whoosh SearchIndex (index/whoosh/), faster.

Query parsing (index/query.py), analysis rules (index/analysis.py), snippets (index/snippet.py) and the
result records (index/model.py) are shared with the Whoosh engine; only storage and matching are Tantivy's.
Totals come from Tantivy's counter and facets from its terms aggregation, so a query no longer has to score
and load every match in Python. The database stays the source of truth: clear() and add() rebuild it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy
from tantivy import FieldType, Occur, Order
from tantivy import Query as TQ

from index.documents import SectionDoc
from index.model import FACET_FIELDS, ClosesOnExit, Hit, SearchFilters, SearchResult, facet_counts
from index.query import Paging, paging, parse_query
from index.records import merged_records
from index.snippet import Highlight, highlight_for, section_snippet
from index.tantivy.query import QueryBuilder
from index.tantivy.schema import build_schema, register_analyzers, to_document
from index.versioning import SCHEMA_VERSION, creation_lock, read_version, version_error, write_version

ENGINE = "tantivy"
FACET_SIZE = 100_000  # facet values returned per field: more than any archive has bodies or sections
PER_ITEM_FETCH = 4  # sections fetched per wanted item before fetching more
BUCKET_LIMIT_ERROR = "bucket limit was exceeded"  # Tantivy's answer to an aggregation of over 65,000 buckets
ITEM_BUCKETS = 50_000  # distinct items counted per aggregation when they are too many for one
HASH_MAX = 2**64 - 1  # item_hash is a 64-bit value
SORT_FIELDS: dict[str, tuple[str, Order]] = {"date": ("sort_asc", Order.Asc), "-date": ("sort_desc", Order.Desc)}


class TantivyIndex(ClosesOnExit):
    """A full-text index of meeting sections in Tantivy. One writer and one commit per `add` call."""

    def __init__(self, path: Path, ix: tantivy.Index, writer_mb: int = 256, writer_threads: int = 1) -> None:
        self.path = path
        self._ix = ix
        self._writer_mb = writer_mb
        self._writer_threads = writer_threads  # one: building the documents in Python is the other busy core
        self._builder = QueryBuilder(ix.schema)
        self._searcher: tantivy.Searcher | None = None

    @classmethod
    def open(cls, path: Path, writer_mb: int = 256, writer_threads: int = 1) -> TantivyIndex:
        """Open the index at `path`, creating it (and the folder) if missing."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with creation_lock(path):
            found = read_version(path)
            if found is None and not tantivy.Index.exists(str(path)):
                ix = tantivy.Index(build_schema(), str(path), reuse=False)
                write_version(path, ENGINE)
                found = (ENGINE, SCHEMA_VERSION)
            elif found == (ENGINE, SCHEMA_VERSION):
                ix = tantivy.Index.open(str(path))
        if found != (ENGINE, SCHEMA_VERSION):
            raise version_error(str(path), found, ENGINE)
        register_analyzers(ix)
        return cls(path, ix, writer_mb, writer_threads)

    def replace_meeting(self, meeting_id: str, docs: Iterable[SectionDoc]) -> int:
        """Make the index hold exactly `docs` for this meeting (none at all if `docs` is empty)."""
        return self._write(docs, also_delete=(meeting_id,))

    def add(self, docs: Iterable[SectionDoc]) -> int:
        """Index sections, replacing every section already indexed for the meetings they belong to."""
        return self._write(docs, also_delete=())

    def _write(self, docs: Iterable[SectionDoc], also_delete: tuple[str, ...]) -> int:
        writer = self._writer()
        seen: set[str] = set(also_delete)
        count = 0
        try:
            for meeting_id in also_delete:
                writer.delete_documents_by_term("meeting_id", meeting_id)
            for doc in merged_records(docs):  # a delete only hits documents added before it: new ones stay
                if doc.meeting_id not in seen:
                    seen.add(doc.meeting_id)
                    writer.delete_documents_by_term("meeting_id", doc.meeting_id)
                writer.add_document(to_document(doc))
                count += 1
        except BaseException:
            writer.rollback()
            writer.wait_merging_threads()
            raise
        self._commit(writer)
        return count

    def delete_meeting(self, meeting_id: str) -> None:
        writer = self._writer()
        writer.delete_documents_by_term("meeting_id", meeting_id)
        self._commit(writer)

    def clear(self) -> None:
        """Empty the index (for a full reindex)."""
        writer = self._writer()
        writer.delete_all_documents()
        self._commit(writer)

    def count(self) -> int:
        return self._get_searcher().num_docs

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 10,
               per_item: bool = False, sort: str = "relevance", offset: int = 0) -> SearchResult:
        """Search sections (or items, with `per_item`); raises QuerySyntaxError for malformed queries.

        `sort` is relevance, date or -date; `offset` skips that many hits (items with `per_item`)."""
        page = paging(limit, offset, sort)
        node = parse_query(query)
        compiled = self._builder.compile(node)
        restrictions = self._builder.filters(filters or SearchFilters())
        if restrictions:
            compiled = TQ.boolean_query([(Occur.Must, q) for q in (compiled, *restrictions)])
        searcher = self._get_searcher()
        if per_item:
            top, total = _best_per_item(searcher, compiled, page)
        else:
            found = _run(searcher, compiled, page.limit, page.offset, page.sort)
            top, total = found.hits, found.count
        facets, items = _facets(searcher, compiled, count_items=per_item and total < 0, schema=self._ix.schema)
        highlight = highlight_for(node)
        scored = page.sort == "relevance"
        hits = tuple(_hit(searcher.doc(address).to_dict(), score if scored else 0.0, highlight)
                     for score, address in top)
        return SearchResult(query=query, total=items if total < 0 else total, hits=hits, facets=facets,
                            offset=page.offset, sort=page.sort)

    def close(self) -> None:
        self._searcher = None

    def _writer(self) -> tantivy.IndexWriter:
        return self._ix.writer(heap_size=self._writer_mb * 1_000_000, num_threads=self._writer_threads)

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        writer.commit()
        writer.wait_merging_threads()  # merges finish now, not in threads dropped with the writer
        self._ix.reload()
        self._searcher = None

    def _get_searcher(self) -> tantivy.Searcher:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher


def _run(searcher: tantivy.Searcher, query: TQ, limit: int, offset: int, sort: str) -> Any:
    if sort == "relevance":
        return searcher.search(query, limit, count=True, offset=offset)
    field, order = SORT_FIELDS[sort]
    return searcher.search(query, limit, count=True, order_by_field=field, offset=offset, order=order)


def _best_per_item(searcher: tantivy.Searcher, query: TQ, page: Paging) -> tuple[list[tuple[float, Any]], int]:
    """The first section of each item on the page (`offset` items skipped), and the number of items (-1:
    not known yet, more sections match than were fetched)."""
    limit = page.offset + page.limit
    fetch = limit * PER_ITEM_FETCH
    while True:
        found = _run(searcher, query, fetch, 0, page.sort)
        keys = searcher.fast_field_values("item_hash", [address for _, address in found.hits])
        best: dict[Any, tuple[float, Any]] = {}
        for hit, key in zip(found.hits, keys, strict=True):  # best first
            best.setdefault(key, hit)
        complete = len(found.hits) >= found.count
        if len(best) >= limit or complete:
            return list(best.values())[page.offset:limit], len(best) if complete else -1
        fetch *= PER_ITEM_FETCH


def _facets(searcher: tantivy.Searcher, query: TQ, count_items: bool,
            schema: tantivy.Schema) -> tuple[dict[str, dict[str, int]], int]:
    """Matching sections per facet value (Tantivy's terms aggregation), and optionally the distinct items."""
    aggs: dict[str, Any] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACET_FIELDS}
    items = 0
    if count_items:
        aggs["item_hash"] = {"terms": {"field": "item_hash", "size": 2**31 - 1}}
    try:
        result = searcher.aggregate(query, aggs)
    except ValueError as err:
        if not count_items or BUCKET_LIMIT_ERROR not in str(err):
            raise
        del aggs["item_hash"]  # more items than one answer may hold: the facets alone, the items counted in slices
        result = searcher.aggregate(query, aggs)
        items = _count_items_in_slices(searcher, query, schema)
    facets: dict[str, dict[str, int]] = {}
    for name in FACET_FIELDS:
        buckets = result.get(name, {}).get("buckets", [])
        facets[name] = facet_counts({str(b["key"]): int(b["doc_count"]) for b in buckets})
    if "item_hash" in result:
        items = len(result["item_hash"].get("buckets", []))
    return facets, items


def _count_items_in_slices(searcher: tantivy.Searcher, query: TQ, schema: tantivy.Schema,
                           slices: int | None = None) -> int:
    """Distinct items matching `query`, exactly, when they are more than Tantivy's bucket limit (65,000 per
    aggregation): one terms aggregation per slice of the item-hash range, the slices as many as the cardinality
    estimate asks for (twice as many again if a slice still overflows)."""
    if slices is None:
        slices = max(2, math.ceil(searcher.cardinality(query, "item_hash") * 1.25 / ITEM_BUCKETS))
    while True:
        try:
            return sum(_items_in(searcher, query, schema, low, high) for low, high in _hash_ranges(slices))
        except ValueError as err:
            if BUCKET_LIMIT_ERROR not in str(err):
                raise
            slices *= 2


def _hash_ranges(slices: int) -> list[tuple[int, int]]:
    step = (HASH_MAX + 1) // slices
    return [(i * step, HASH_MAX if i == slices - 1 else (i + 1) * step - 1) for i in range(slices)]


def _items_in(searcher: tantivy.Searcher, query: TQ, schema: tantivy.Schema, low: int, high: int) -> int:
    in_slice = TQ.range_query(schema, "item_hash", FieldType.Unsigned, low, high)
    result = searcher.aggregate(TQ.boolean_query([(Occur.Must, query), (Occur.Must, in_slice)]),
                                {"item_hash": {"terms": {"field": "item_hash", "size": 2**31 - 1}}})
    return len(result["item_hash"].get("buckets", []))


def _first(fields: dict[str, list[Any]], name: str) -> Any:
    values = fields.get(name)
    return values[0] if values else None


def _text(fields: dict[str, list[Any]], name: str) -> str:
    value = _first(fields, name)
    return value.decode("utf-8") if value else ""


def _hit(fields: dict[str, list[Any]], score: float, highlight: Highlight) -> Hit:
    page = _first(fields, "page")
    return Hit(
        meeting_id=_first(fields, "meeting_id"),
        date=_first(fields, "date"),
        kind=_first(fields, "kind") or "",
        body=_first(fields, "body") or None,
        item_number=_first(fields, "item_number"),
        item_title=_text(fields, "item_title") or None,
        section=_first(fields, "section") or "",
        page=int(page) if page is not None else None,
        score=round(float(score), 4),
        snippet=section_snippet(_text(fields, "text_stored"), _text(fields, "raw_text"), highlight),
        case_number=_first(fields, "case_number") or None,
        position=int(_first(fields, "position") or 0),
        item_id=_first(fields, "item_id"),
        municipality=_first(fields, "municipality") or None,
        closed=_first(fields, "closed") == "true",
        decided_on=_first(fields, "decided_on"),
        decided_by=_first(fields, "decided_by"),
        also_in=tuple(fields.get("also_in") or ()),
    )
