"""One SQL statement per search: the matching rows read once, ranked, paged and counted for facets.

The GIN index finds the candidate rows; PostgreSQL rechecks each one's tsvector (weights and positions are not
in the index), so the rows are read in one MATERIALIZED pass (`matched`) that carries only the small columns
and, for a relevance sort, the `ts_rank` score. The page (`ranked`) and the facet counts are then computed over
those rows: facets count rows per facet code (one integer, index/postgres/facet_codes.py) and roll the counts
up per field through the code dictionary. A per-item search groups the rows by item in one hash aggregate (its
best section and the number of items both come from it, no sort of every matching row), `item_key` carried only
then. The long columns (text, raw text) are fetched for the page's rows alone. One round trip returns facets,
item count and hits as JSON.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.model import FACET_FIELDS, SearchFilters, facet_counts
from index.postgres.facet_codes import facet_sql
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


# per item: each item's first section in result order, found in one hash aggregate. An item's sections share
# its meeting and date, so within an item that order is score DESC, position (the lowest id on a tie); the
# array max picks it (float8 holds every score, position and id exactly). Items are counted from the same groups.
PER_ITEM = ("best AS MATERIALIZED (SELECT max(ARRAY[score::float8, -position::float8, -id::float8]) AS k, "
            "meeting_id, date_num FROM matched GROUP BY item_key, meeting_id, date_num), ",
            "(SELECT (-k[3])::bigint AS id, k[1]::real AS score, meeting_id, (-k[2])::integer AS position, date_num "
            "FROM best) b",
            "(SELECT count(*) FROM best)")


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
    small = ", ".join(("id", "meeting_id", "position", "date_num", *keys, "facet_code"))
    candidates, items, best = "matched", "NULL", ""
    if per_item:
        best, candidates, items = PER_ITEM
    hit_columns = ", ".join(f"t.{c}" for c in HIT_COLUMNS if c not in ("meeting_id", "position"))
    sql = (f"WITH matched AS MATERIALIZED (SELECT {small}, {score} AS score FROM {table} WHERE {where}), {best}"
           f"ranked AS (SELECT id, score, meeting_id, position, date_num FROM {candidates} "
           f"ORDER BY {order} LIMIT :limit OFFSET :offset), {facet_sql(table)} "
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
