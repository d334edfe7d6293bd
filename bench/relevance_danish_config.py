"""The relevance set against PostgreSQL's built-in `danish` text-search configuration, for comparison.

    .venv/bin/python bench/relevance_danish_config.py --db URL QUERY --json --limit 10 [--section S] ...

Behaves as `moedearkiv search --per-item --json` on an archive whose search table the postgres engine built,
but matches with `to_tsvector('danish', ...)` of title (weight A), text (D) and raw OCR text (C) and
`websearch_to_tsquery('danish', QUERY)` instead of the project's own analysis: PostgreSQL's Snowball stemmer
and stop words, no ASCII aliases, old spellings, identifiers or past-tense rule. Same ts_rank weights and the
same filters. Run it as the command of `../shared/eval/score.py search` (see tests/data/relevance/README.md).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from index.fields import normalize_case_number  # noqa: E402
from index.ranking import ts_rank_weights  # noqa: E402

VECTOR = ("setweight(to_tsvector('danish', coalesce(item_title, '')), 'A') || "
          "setweight(to_tsvector('danish', text), 'D') || setweight(to_tsvector('danish', raw_text), 'C')")


def websearch(query: str) -> str:
    """The project's operators in websearch_to_tsquery's words: AND is the default, NOT is `-`."""
    query = re.sub(r"\bAND\b", " ", query)
    return re.sub(r"\bNOT\s+", "-", query).replace(" OR ", " or ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query")
    parser.add_argument("--db", required=True)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--section")
    parser.add_argument("--kind")
    parser.add_argument("--from", dest="date_from")
    parser.add_argument("--to", dest="date_to")
    parser.add_argument("--case")
    args = parser.parse_args()
    conditions = ["v.dtsv @@ q.q"]
    params: dict[str, object] = {"q": websearch(args.query), "limit": args.limit}
    if args.section:
        conditions.append("lower(section) = :section")
        params["section"] = args.section.lower()
    if args.kind:
        conditions.append("lower(kind) = :kind")
        params["kind"] = args.kind.lower()
    if args.case:
        conditions.append("case_norm = :case")
        params["case"] = normalize_case_number(args.case)
    date_column = "decided_num" if (args.section or "").lower() == "beslutning" else "date_num"
    for name, op, value in (("low", ">=", args.date_from), ("high", "<=", args.date_to)):
        if value:
            conditions.append(f"{date_column} {op} :{name}")
            params[name] = int(value.replace("-", ""))
    sql = (f"WITH q AS (SELECT websearch_to_tsquery('danish', :q) AS q), "
           f"v AS (SELECT *, {VECTOR} AS dtsv FROM search_sections) "
           f"SELECT meeting_id, item_number, score FROM (SELECT DISTINCT ON (item_key) meeting_id, item_number, "
           f"ts_rank(CAST('{ts_rank_weights()}' AS real[]), v.dtsv, q.q, 1) AS score, position FROM v, q "
           f"WHERE {' AND '.join(conditions)} ORDER BY item_key, score DESC, meeting_id, position) best "
           f"ORDER BY score DESC, meeting_id, position LIMIT :limit")
    engine = create_engine(args.db)
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).mappings().all()
    engine.dispose()
    print(json.dumps({"hits": [dict(r) for r in rows]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
