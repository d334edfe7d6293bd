"""One SQL statement per search: the matching rows read once, ranked, paged and counted for facets.

The GIN index finds the candidate rows; PostgreSQL rechecks each one's tsvector (weights and positions are not
in the index), so the rows are read in one MATERIALIZED pass (`matched`) that carries only the small columns
and, for a relevance sort, the `ts_rank` score. The page (`ranked`) and the facet counts are then computed over
those rows (GROUPING SETS; one GROUP BY of all six columns rolled up afterwards measured no faster at 1M), the
distinct items counted only for a per-item search (`item_key` is carried only then), and the long columns
(text, raw text) fetched for the page's rows alone. One round trip returns facets, item count and hits as JSON.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.model import FACET_FIELDS, SearchFilters, facet_counts
from index.postgres.tsquery import Params, as_condition, compile_node, filters_condition, rank_query
from index.query import Node, Paging
from index.ranking import ts_rank_weights

RANK_WEIGHTS = ts_rank_weights()  # index/ranking.py's boosts: title A, case number B, raw OCR words C, text D
HIT_COLUMNS = ("meeting_id", "date", "kind", "body", "item_number", "item_title", "section", "page", "case_number",
               "position", "text", "raw_text", "item_id", "municipality", "closed", "decided_on", "decided_by",
               "also_in")
# the order of each sort; undated records last either way, a date's records in index order (as Tantivy's)
ORDER = {"relevance": "score DESC, meeting_id, position",
         "date": "date_num ASC NULLS LAST, meeting_id, position",
         "-date": "date_num DESC NULLS LAST, meeting_id, position"}


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    params: dict[str, object]


def search_statement(table: str, node: Node, filters: SearchFilters, page: Paging, per_item: bool) -> Statement:
    params = Params()
    conditions = [as_condition(compile_node(node, params), params), *filters_condition(filters, params)]
    where = " AND ".join(f"({c})" for c in conditions)
    score = "0::real"  # a date sort needs no rank at all
    if page.sort == "relevance":
        score = f"ts_rank(CAST('{RANK_WEIGHTS}' AS real[]), tsv, CAST({params.add(rank_query(node))} AS tsquery), 1)"
    params.values["limit"] = page.limit
    params.values["offset"] = page.offset
    order = ORDER[page.sort]
    keys = ("item_key",) if per_item else ()  # the collapse key only where it is used: matched rows stay narrow
    small = ", ".join(("id", "meeting_id", "position", "date_num", *keys, *FACET_FIELDS))
    candidates = "matched"
    if per_item:  # the first section of each item in result order: an item's sections share one date
        candidates = ("(SELECT DISTINCT ON (item_key) id, score, meeting_id, position, date_num FROM matched "
                      "ORDER BY item_key, score DESC, meeting_id, position) best")
    columns = ", ".join(FACET_FIELDS)
    sets = ", ".join(f"({name})" for name in FACET_FIELDS)
    items = "(SELECT count(DISTINCT item_key) FROM matched)" if per_item else "NULL"
    hit_columns = ", ".join(f"t.{c}" for c in HIT_COLUMNS if c not in ("meeting_id", "position"))
    sql = (f"WITH matched AS MATERIALIZED (SELECT {small}, {score} AS score FROM {table} WHERE {where}), "
           f"ranked AS (SELECT id, score, meeting_id, position, date_num FROM {candidates} "
           f"ORDER BY {order} LIMIT :limit OFFSET :offset), "
           f"facets AS (SELECT {columns}, GROUPING({columns}) AS g, count(*) AS n FROM matched "
           f"GROUP BY GROUPING SETS ({sets}, ())) "
           f"SELECT (SELECT json_agg(f) FROM facets f) AS facets, {items} AS items, "
           f"(SELECT json_agg(h ORDER BY {order}) FROM (SELECT {hit_columns}, r.meeting_id, r.position, r.date_num, "
           f"r.score FROM ranked r JOIN {table} t ON t.id = r.id) h) AS hits")
    return Statement(sql, params.values)


def read_facets(groups: list[dict[str, Any]]) -> tuple[dict[str, dict[str, int]], int]:
    """The GROUPING SETS rows as facets (value -> matching sections) and the number of matching sections."""
    facets: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
    total = 0
    for group in groups:
        used = [name for i, name in enumerate(FACET_FIELDS) if not group["g"] & (1 << (len(FACET_FIELDS) - 1 - i))]
        if not used:
            total = int(group["n"])
            continue
        value = group[used[0]]
        if isinstance(value, bool):  # closed: "true"/"false", as the other engines index it
            value = "true" if value else "false"
        if value is not None:
            facets[used[0]][str(value)] = int(group["n"])
    return {name: facet_counts(counts) for name, counts in facets.items()}, total
