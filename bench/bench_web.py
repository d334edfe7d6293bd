"""Benchmark the reading room: server time of the search page, and page images first rendered vs cached.

    .venv/bin/python bench/bench_web.py                    # 100,000 sections, both engines
    .venv/bin/python bench/bench_web.py --sections 5000 --engine tantivy

The archive is bench_search.py's synthetic one (real seed paragraphs, fixed random seed): its sections go
into each engine's index, and its meetings, items and Beslutning sections into a real SQLite database, so
each result line's decision is read as in a real archive. Server time is measured in-process through
Flask's test client (routing, URL checks, search with facets, the database read for the page's hits,
Jinja rendering; no network), over bench_search.py's query mix as `/search?...` URLs, sorted by relevance
and, for a third of them, by date. Page images: fixtures/pdf/000.pdf ingested for real; each of 10 pages
fetched as `.png?q=lærepladser` with an empty cache, then again (goal: first render <= 300 ms, cached after).
"""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import SEEDS, BenchQuery, load_material, percentile, query_mix, synthetic_docs  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from index import SectionDoc  # noqa: E402
from index.engine_choice import ENGINES, open_index  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.models import DocumentRow, ItemRow, MeetingRow, SectionRow  # noqa: E402
from web import create_app  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "000.pdf"


def fill_database(url: str, meetings: list[list[SectionDoc]]) -> None:
    """Meetings, items and sections of the synthetic archive, bulk-inserted (what the result lines read)."""
    archive = Archive(url)
    docs, rows, items, sections = [], [], [], []
    item_id = 0
    for doc_id, meeting in enumerate(meetings, start=1):
        first = meeting[0]
        docs.append({"id": doc_id, "path": f"/nonexistent/{first.meeting_id}.pdf",
                     "filename": f"{first.meeting_id}.pdf",
                     "sha256": hashlib.sha256(first.meeting_id.encode()).hexdigest(), "pages": 60,
                     "status": "ingested"})
        rows.append({"id": first.meeting_id, "document_id": doc_id, "kind": first.kind, "body": first.body,
                     "date": first.date, "toc": [], "tables": []})
        by_number: dict[str, int] = {}
        for doc in meeting:
            if doc.item_number not in by_number:
                item_id += 1
                by_number[doc.item_number] = item_id
                items.append({"id": item_id, "meeting_id": doc.meeting_id, "position": len(by_number),
                              "number": doc.item_number, "title": doc.item_title, "case_number": doc.case_number,
                              "closed": False, "attachments": [], "tables": []})
            sections.append({"item_id": by_number[doc.item_number], "position": doc.position, "name": doc.section,
                             "heading": doc.section, "text": doc.text, "raw_text": doc.raw_text,
                             "page_start": doc.page, "page_end": doc.page})
    with archive.engine.begin() as conn:
        for table, values in ((DocumentRow, docs), (MeetingRow, rows), (ItemRow, items), (SectionRow, sections)):
            for start in range(0, len(values), 5000):
                conn.execute(insert(table), values[start:start + 5000])
    archive.close()


def search_url(query: BenchQuery, sort: str) -> str:
    f = query.filters
    args = {"q": query.text, "section": f.section, "kind": f.kind, "body": f.body, "from": f.date_from,
            "to": f.date_to, "sort": None if sort == "relevance" else sort}
    return "/search?" + urlencode({k: v for k, v in args.items() if v})


def bench_search_page(home: Path, engine: str, meetings: list[list[SectionDoc]], queries: list[BenchQuery],
                      build: bool = True) -> None:
    settings = Settings.resolve(home=home, env={}, engine=engine, quiet=True)
    if build:
        ix = open_index(settings.index_dir, engine)
        start = time.perf_counter()
        ix.add(doc for meeting in meetings for doc in meeting)
        ix.close()
        print(f"  {engine}: index built in {time.perf_counter() - start:.0f} s")
    client = create_app(settings).test_client()
    client.get("/search?q=kommunerne")  # open the searcher once, as a long-running server would
    timings: dict[str, list[float]] = {}
    for i, query in enumerate(queries):
        sort = ("relevance", "relevance", "newest")[i % 3]
        url = search_url(query, sort)
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code in (200, 400), (url, response.status_code)
        timings.setdefault(query.category if sort == "relevance" else "by date", []).append(elapsed)
    everything = [t for ts in timings.values() for t in ts]
    for category, ts in [*timings.items(), ("all", everything)]:
        print(f"  {engine} search page {category:9} n={len(ts):4}  p50 {statistics.median(ts):7.1f} ms  "
              f"p95 {percentile(ts, 0.95):7.1f} ms  max {max(ts):7.1f} ms")


def bench_page_images(workdir: Path) -> None:
    from pipeline.ingest import Services, ingest_paths

    settings = Settings.resolve(home=workdir / "pages", env={}, quiet=True)
    services = Services.open(settings)
    ingest_paths([FIXTURE], services)
    services.index.close()
    sha = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    client = create_app(settings).test_client()
    first, cached = [], []
    for number in range(1, 11):
        url = f"/document/{sha}/page/{number}.png?q=lærepladser"
        for bucket in (first, cached):
            start = time.perf_counter()
            response = client.get(url)
            bucket.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    print(f"page image (000.pdf, 10 pages, ?q=lærepladser): first render p50 {statistics.median(first):.0f} ms, "
          f"max {max(first):.0f} ms; cached p50 {statistics.median(cached):.1f} ms, max {max(cached):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--queries-per-category", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20260616)
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="both")
    parser.add_argument("--dir", type=Path, help="where to build the archive (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true",
                        help="the archive in --dir was built by an earlier run with the same options: only measure")
    args = parser.parse_args()
    engines = ENGINES if args.engine == "both" else (args.engine,)
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="bench-web-"))
    if not args.reuse:
        bench_page_images(workdir)
    material = load_material(SEEDS)
    meetings = list(synthetic_docs(material, args.sections, random.Random(args.seed)))
    queries = query_mix(material, random.Random(args.seed + 2), args.queries_per_category)
    home = workdir / "archive"
    home.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if not args.reuse:
        fill_database(f"sqlite:///{(home / 'moedearkiv.sqlite').resolve()}", meetings)
    print(f"archive: {args.sections} sections in {len(meetings)} meetings; database filled in "
          f"{time.perf_counter() - start:.0f} s; {len(queries)} search-page requests per engine")
    for engine in engines:
        bench_search_page(home, engine, meetings, queries, build=not args.reuse)


if __name__ == "__main__":
    main()
