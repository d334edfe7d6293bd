"""Benchmark the search index on a synthetic archive made from the seed texts.

    .venv/bin/python bench/bench_search.py                 # 100,000 sections (the target size)
    .venv/bin/python bench/bench_search.py --sections 5000 # quick run
    .venv/bin/python bench/bench_search.py --engine all    # every engine on the same archive and queries
    .venv/bin/python bench/bench_search.py --sections 1000000 --engine tantivy   # the 1M target

Sections are made by shuffling real paragraphs of the seed texts (fixed random seed), spread over meetings
of varying ids, dates, bodies and kinds; one in ten gets an OCR-damaged raw text. Reports the bulk build
rate (sections/s), the time to add one meeting to the built index, and query latency p50/p95 (wall, and CPU:
this process plus the PostgreSQL backend when it runs on this machine; 10 ms ticks for the backend) over a fixed
mix of single words, AND queries, phrases and filtered queries (targets: build >= 2,000 sections/s,
p95 <= 50 ms), and a `meeting` category for the one-meeting-one-record features (a case number typed bare,
closed and municipality filters, decision dates, sorting by date, an offset, per item). With `--engine all`
each engine builds its own index from the same sections in turn. The load average is printed with each figure
(the machine is shared). The postgres engine uses `--db URL`, or else a throwaway cluster started for the run
(tests/pg.py); its build is the bulk path `reindex` uses (index/postgres/bulk.py).
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index import SearchFilters, SectionDoc, TextIndex  # noqa: E402
from index.analysis import analyze  # noqa: E402
from index.engine_choice import ENGINES, open_index  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
BODIES = ("KKR Hovedstaden", "KKR Sjælland", "Økonomiudvalget", "Børne- og Skoleudvalget", "Teknik- og Miljøudvalget",
          "Social- og Sundhedsudvalget", "Kommunalbestyrelsen", "Kultur- og Fritidsudvalget")
SECTIONS = ("Baggrund", "Indstilling", "Sagsfremstilling", "Beslutning", "Bilag", "Resumé")
KINDS = ("dagsorden", "referat", "referat", "bilag")
MUNICIPALITIES = ("Ballerup Kommune", "Syddjurs Kommune", "Aarhus Kommune", "Odder Kommune")
ITEM_RE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.?\s+([A-ZÆØÅ][^\t]{10,100})$")
WORD_RE = re.compile(r"[^\W\d_]{4,}")
OCR_DAMAGE = str.maketrans({"ø": "g", "æ": "ae", "å": "a", "Ø": "@", "Æ": "Ae", "Å": "A"})


@dataclass(frozen=True, slots=True)
class Material:
    paragraphs: tuple[str, ...]
    titles: tuple[str, ...]


def load_material(seeds: Path) -> Material:
    paragraphs: list[str] = []
    titles: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        titles += [m.group(1).strip() for m in map(ITEM_RE.match, text.splitlines()) if m]
        for block in re.split(r"\n\s*\n", text):
            para = " ".join(block.split())
            if len(para.split()) >= 8:
                paragraphs.append(para)
    return Material(tuple(paragraphs), tuple(dict.fromkeys(titles)))


def synthetic_docs(material: Material, n_sections: int, rng: random.Random) -> Iterator[list[SectionDoc]]:
    """Yield meetings (lists of SectionDoc) until `n_sections` sections are made."""
    made, meeting_no = 0, 0
    while made < n_sections:
        meeting_no += 1
        body = rng.choice(BODIES)
        dated = rng.random() > 0.03
        date = f"{rng.randint(2008, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if dated else None
        meeting_id = f"m{meeting_no:06d}-{rng.getrandbits(24):06x}"
        kind = rng.choice(KINDS)
        municipality = None if body.startswith("KKR") else rng.choice(MUNICIPALITIES)
        docs: list[SectionDoc] = []
        for item_no in range(1, rng.randint(4, 20) + 1):
            title = rng.choice(material.titles)
            case = f"SAG-{(date or '2020')[:4]}-{rng.randint(1, 99999):05d}"
            closed = rng.random() < 0.05
            for section in rng.sample(SECTIONS, rng.randint(1, 4)):
                if made >= n_sections:
                    break
                text = " ".join(rng.sample(material.paragraphs, rng.randint(1, 4)))
                raw = text.translate(OCR_DAMAGE) if rng.random() < 0.1 else ""
                docs.append(SectionDoc(meeting_id=meeting_id, date=date, kind=kind, body=body,
                                       item_number=str(item_no), item_title=title, case_number=case,
                                       section=section, position=len(docs), page=rng.randint(1, 60),
                                       text=text, raw_text=raw, item_id=f"{meeting_id}/{item_no}",
                                       municipality=municipality, closed=closed,
                                       decided_on=date if section == "Beslutning" else None))
                made += 1
        if docs:
            yield docs


@dataclass(frozen=True, slots=True)
class BenchQuery:
    category: str
    text: str
    filters: SearchFilters
    options: dict[str, object] = field(default_factory=dict)  # sort, offset, per_item


def query_mix(material: Material, rng: random.Random, per_category: int) -> list[BenchQuery]:
    """Single words, AND pairs, phrases (adjacent words of a real paragraph) and filtered queries."""
    words = sorted({w.lower() for p in material.paragraphs for w in WORD_RE.findall(p)})
    fixed = ["kommunerne", "lærepladser", "laerepladser", "sundhedsråd", "flygtninge", "budget", "økonomi"]
    queries = [BenchQuery("word", w, SearchFilters()) for w in fixed]
    queries += [BenchQuery("word", rng.choice(words), SearchFilters()) for _ in range(per_category - len(fixed))]
    queries += [BenchQuery("and", f"{rng.choice(words)} {rng.choice(words)}", SearchFilters())
                for _ in range(per_category // 2)]
    queries += [BenchQuery("and", f"{rng.choice(fixed)} {rng.choice(words)}", SearchFilters())
                for _ in range(per_category - per_category // 2)]
    while sum(q.category == "phrase" for q in queries) < per_category:
        para = rng.choice(material.paragraphs).split()
        start = rng.randrange(0, max(1, len(para) - 3))
        phrase = " ".join(w.strip('.,;:()"') for w in para[start:start + rng.randint(2, 3)])
        if len(analyze(phrase)) >= 2:
            queries.append(BenchQuery("phrase", f'"{phrase}"', SearchFilters()))
    for i in range(per_category):
        year = rng.randint(2008, 2026)
        filters = (SearchFilters(section=rng.choice(SECTIONS)), SearchFilters(body=rng.choice(BODIES)),
                   SearchFilters(date_from=f"{year}-01-01", date_to=f"{year}-12-31"),
                   SearchFilters(kind="referat", section="Beslutning"))[i % 4]
        queries.append(BenchQuery("filtered", rng.choice(fixed + words[:: max(1, len(words) // 50)]), filters))
    for i in range(per_category):
        word = rng.choice(fixed)
        year = rng.randint(2008, 2026)
        queries.append((
            BenchQuery("meeting", f"SAG-{year}-{rng.randint(1, 99999):05d}", SearchFilters()),
            BenchQuery("meeting", word, SearchFilters(closed=True)),
            BenchQuery("meeting", f"{word} municipality:ballerup", SearchFilters()),
            BenchQuery("meeting", word, SearchFilters(section="Beslutning", date_from=f"{year}-01-01")),
            BenchQuery("meeting", word, SearchFilters(), {"sort": "-date", "offset": 10}),
            BenchQuery("meeting", word, SearchFilters(), {"per_item": True}),
        )[i % 6])
    return queries


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


DB_URL: list[str] = []  # the PostgreSQL database of the postgres engine, set by main()
SLOWEST: list[int] = []  # --slowest N, set by main(): list the N queries of most CPU after the figures


def run(n_sections: int, per_category: int, seed: int, workdir: Path, engines: tuple[str, ...],
        queries_only: bool = False) -> None:
    rng = random.Random(seed)
    material = load_material(SEEDS)
    meetings = [] if queries_only else list(synthetic_docs(material, n_sections, rng))
    queries = query_mix(material, random.Random(seed + 2), per_category)
    extra = list(synthetic_docs(material, 600, random.Random(seed + 1)))
    print(f"material: {len(material.paragraphs)} paragraphs, {len(material.titles)} titles; "
          f"{n_sections} sections in {len(meetings)} meetings; {load()}", flush=True)
    for engine in engines:
        print(f"--- engine: {engine}")
        if queries_only:
            measure_queries(engine, workdir / f"index-{engine}", n_sections, queries)
        else:
            bench_engine(engine, workdir / f"index-{engine}", meetings, extra, queries)


def bench_engine(engine: str, path: Path, meetings: list[list[SectionDoc]], extra: list[list[SectionDoc]],
                 queries: list[BenchQuery]) -> None:
    n_sections = sum(len(m) for m in meetings)
    ix = open_index(path, engine, DB_URL[0] if DB_URL else None)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        ix.add(doc for meeting in meetings for doc in meeting)
        build, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"build: {n_sections} sections in {build:.1f} s = {n_sections / build:,.0f} sections/s "
              f"(one writer, bulk; {cpu:.0f} s CPU in this process = {n_sections / cpu:,.0f} sections per CPU "
              f"second); {load()}", flush=True)
        start = time.perf_counter()
        added = sum(ix.add(meeting) for meeting in extra)
        per_meeting = (time.perf_counter() - start) / len(extra)
        print(f"incremental: {len(extra)} meetings ({added} sections), {per_meeting * 1000:.0f} ms per meeting",
              flush=True)
        timings = time_queries(ix, queries, engine)
    finally:
        ix.close()
    report(timings, engine)


def measure_queries(engine: str, path: Path, n_sections: int, queries: list[BenchQuery]) -> None:
    """Only the queries, on an index an earlier run built (same --sections and --seed) at --dir or --db."""
    ix = open_index(path, engine, DB_URL[0] if DB_URL else None)
    try:
        found = ix.count()
        if found < n_sections:
            raise SystemExit(f"{engine}: the index holds {found} sections, not the {n_sections} asked for: build it "
                             "first (the same command without --queries-only, with --dir or --db).")
        print(f"reusing the index of {found} sections", flush=True)
        timings = time_queries(ix, queries, engine)
    finally:
        ix.close()
    report(timings, engine)


Timings = dict[str, list[tuple[float, float, str]]]  # category -> (wall ms, CPU ms, the query) per query


def time_queries(ix: TextIndex, queries: list[BenchQuery], engine: str) -> Timings:
    ix.search("kommunerne", SearchFilters())  # open the searcher once, as a long-running process would
    cpu = CpuClock(server_pids() if engine == "postgres" else ())
    timings: Timings = {}
    for query in queries:
        start, cpu_start = time.perf_counter(), cpu.now()
        ix.search(query.text, query.filters, limit=10, **query.options)  # type: ignore[arg-type]
        timings.setdefault(query.category, []).append(((time.perf_counter() - start) * 1000,
                                                       (cpu.now() - cpu_start) * 1000, describe(query)))
    return timings


def describe(query: BenchQuery) -> str:
    filters = {k: v for k, v in asdict(query.filters).items() if v not in (None, False, "")}
    return " ".join(str(x) for x in (query.text, filters or "", query.options or "") if x)


@dataclass(frozen=True, slots=True)
class CpuClock:
    """CPU seconds of this process and of the PostgreSQL backends serving it (when they run on this machine):
    what a query costs whatever the load, where wall time on a shared machine mostly measures the wait."""

    pids: tuple[int, ...]

    def now(self) -> float:
        return time.process_time() + sum(map(_process_cpu, self.pids))


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids() -> tuple[int, ...]:
    """The client backends of the benchmark's database (the index's pooled connection), if on this machine."""
    if not DB_URL:
        return ()
    from sqlalchemy import create_engine, text

    engine = create_engine(DB_URL[0])
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"))
            pids = tuple(int(r[0]) for r in rows)
    finally:
        engine.dispose()
    return tuple(pid for pid in pids if Path(f"/proc/{pid}/stat").exists())


def server_settings() -> str:
    """shared_buffers and the search table's size: a table larger than the buffers is read from the OS cache."""
    if not DB_URL:
        return ""
    from sqlalchemy import create_engine, text

    engine = create_engine(DB_URL[0])
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT current_setting('shared_buffers'), "
                                    "pg_size_pretty(pg_total_relation_size('search_sections'))")).one()
    finally:
        engine.dispose()
    return f"; PostgreSQL shared_buffers {row[0]}, search table with indexes {row[1]}"


def report(timings: Timings, engine: str) -> None:
    everything = [t for ts in timings.values() for t in ts]
    for category, ts in [*timings.items(), ("all", everything)]:
        wall, cpu = [t[0] for t in ts], [t[1] for t in ts]
        print(f"query {category:9} n={len(ts):4}  p50 {statistics.median(wall):7.1f} ms  "
              f"p95 {percentile(wall, 0.95):7.1f} ms  max {max(wall):7.1f} ms  |  "
              f"CPU p50 {statistics.median(cpu):6.1f} p95 {percentile(cpu, 0.95):6.1f} ms")
    print(f"queries done; {load()}{server_settings() if engine == 'postgres' else ''}", flush=True)
    slowest = sorted(((t, c) for c, ts in timings.items() for t in ts), key=lambda tc: -tc[0][1])
    for (wall, cpu, query), category in slowest[:SLOWEST[0] if SLOWEST else 0]:
        print(f"  slow: {category:9} CPU {cpu:6.1f} ms  wall {wall:7.1f} ms  {query}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--queries-per-category", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20260616)
    parser.add_argument("--engine", choices=(*ENGINES, "all", "both"), default="whoosh",
                        help="search engine to measure (all, or its old name both: every engine in turn, same "
                             "sections and queries)")
    parser.add_argument("--dir", type=Path, help="where to build the index (default: a temporary folder)")
    parser.add_argument("--db", help="PostgreSQL URL for the postgres engine (default: a throwaway cluster)")
    parser.add_argument("--queries-only", action="store_true",
                        help="skip the build: time the queries on the index an earlier run left at --dir / --db")
    parser.add_argument("--slowest", type=int, default=0, help="list the N queries that took the most CPU")
    args = parser.parse_args()
    SLOWEST.append(args.slowest)
    engines = ENGINES if args.engine in ("all", "both") else (args.engine,)
    cluster = None
    if "postgres" in engines:
        if args.db:
            DB_URL.append(args.db)
        else:
            from tests.pg import start_cluster

            cluster = start_cluster()
            DB_URL.append(cluster.create_database("bench"))
    try:
        _run_in_dir(args, engines)
    finally:
        if cluster is not None:
            cluster.stop()


def _run_in_dir(args: argparse.Namespace, engines: tuple[str, ...]) -> None:
    if args.dir:
        run(args.sections, args.queries_per_category, args.seed, args.dir, engines, args.queries_only)
        return
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        run(args.sections, args.queries_per_category, args.seed, Path(tmp), engines, args.queries_only)


if __name__ == "__main__":
    main()
