"""One suite over every search engine (Whoosh, Tantivy, PostgreSQL), on real meeting text.

The behaviour tests run once per engine on an index of the seed sections (tests/seed_sections.py); postgres
lives in a database of the session's throwaway cluster (tests/pg.py). The agreement tests then compare each
other engine with Whoosh query for query: the same totals, sections and facets (only scores may differ).
"""
from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from index import ENGINES, IndexVersionError, QuerySyntaxError, SearchFilters, SectionDoc, TextIndex, open_index
from pipeline.config import Settings
from tests.conftest import FIXTURES, ROOT
from tests.seed_sections import seed_docs

OTHERS = tuple(e for e in ENGINES if e != "whoosh")  # each compared with Whoosh, the reference engine
FILE_ENGINES = ("whoosh", "tantivy")


@dataclass(frozen=True, slots=True)
class Place:
    """Where one engine keeps an index: a folder, and for postgres a database."""

    engine: str
    folder: Path
    url: str | None

    def open(self) -> TextIndex:
        return open_index(self.folder, self.engine, self.url)


@pytest.fixture(scope="module")
def docs() -> dict[str, list[SectionDoc]]:
    return seed_docs()


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          docs: dict[str, list[SectionDoc]]) -> Iterator[Callable[[str], TextIndex]]:
    """Each engine's index of the seed sections, built once per module on first use."""
    opened: dict[str, TextIndex] = {}

    def get(engine: str) -> TextIndex:
        if engine not in opened:
            url = request.getfixturevalue("pg_cluster").create_database("engine_suite") if engine == "postgres" \
                else None
            ix = open_index(tmp_path_factory.mktemp(engine) / "index", engine, url)
            for meeting in docs.values():
                ix.add(meeting)
            opened[engine] = ix
        return opened[engine]

    yield get
    for ix in opened.values():
        ix.close()


@pytest.fixture(scope="module", params=ENGINES)
def index(request: pytest.FixtureRequest, built: Callable[[str], TextIndex]) -> TextIndex:
    return built(request.param)


@pytest.fixture(params=ENGINES)
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Place:
    """An empty place for one engine's index (postgres: a fresh database)."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    return Place(request.param, tmp_path / "index", url)


@pytest.mark.parametrize("query", ["læreplads", "lærepladser", "laerepladser", "LÆREPLADSER"])
def test_three_spellings_of_laereplads_put_the_sosu_item_on_top(index: TextIndex, query: str) -> None:
    result = index.search(query, SearchFilters(), limit=5, per_item=True)
    top = result.hits[0]
    assert (top.meeting_id, top.item_number) == ("kkr-h-2026-06-16", "3.7"), [h.item_title for h in result.hits]
    assert "SOSU" in (top.item_title or "")
    assert re.search(r"\[\[[Ll]æreplads\w*\]\]", top.snippet), top.snippet


def test_spellings_find_the_same_sections(index: TextIndex) -> None:
    keys = [{(h.meeting_id, h.position) for h in index.search(q, SearchFilters(), limit=200).hits}
            for q in ("læreplads", "lærepladser", "laerepladser")]
    assert keys[0] == keys[1] == keys[2]
    assert len(keys[0]) >= 3


def test_stemming_joins_compound_inflections(index: TextIndex) -> None:
    texts = [h.snippet for h in index.search("sundhedsråd", SearchFilters(), limit=50).hits]
    assert any("[[sundhedsrådene]]" in s for s in texts), texts


def test_prefix_star_reaches_longer_compounds(index: TextIndex) -> None:
    assert index.search("sundhedsrådsm", SearchFilters()).total == 0
    prefixed = index.search("sundhedsrådsm*", SearchFilters(), limit=100)
    assert prefixed.total > 0
    assert any("[[sundhedsrådsmedlemmer]]" in h.snippet for h in prefixed.hits)


def test_prefix_is_cut_back_to_the_stem(index: TextIndex) -> None:
    plain = index.search("lærepladser", SearchFilters(), limit=100).total
    assert index.search("læreplads*", SearchFilters(), limit=100).total >= plain > 0
    assert index.search("laereplads*", SearchFilters(), limit=100).total >= plain


def test_phrase_beats_scattered_words(place: Place) -> None:
    common = {"date": "2025-01-01", "kind": "referat", "body": "Udvalget", "item_number": "1",
              "case_number": None, "section": "Sagsfremstilling", "page": 1}
    scattered = SectionDoc(meeting_id="m1", item_title="Ældreområdet", position=0, **common,
                           text="Fordeling af midler til ældre. Kommunerne ønsker flere lærepladser og en ny "
                                "fordeling af opgaverne mellem regionen og kommunerne om lærepladser.")
    adjacent = SectionDoc(meeting_id="m2", item_title="Uddannelse", position=0, **common,
                          text="Udvalget drøftede fordeling af lærepladser mellem kommunerne i regionen.")
    with place.open() as ix:
        ix.add([scattered])
        ix.add([adjacent])
        words = ix.search("fordeling lærepladser", SearchFilters())
        assert [h.meeting_id for h in words.hits] == ["m2", "m1"]
        phrase = ix.search('"fordeling af lærepladser"', SearchFilters())
        assert [h.meeting_id for h in phrase.hits] == ["m2"]
        assert "[[fordeling]] af [[lærepladser]]" in phrase.hits[0].snippet


def test_phrase_query_needs_the_words_in_order(index: TextIndex, docs: dict[str, list[SectionDoc]]) -> None:
    by_key = {(d.meeting_id, d.position): d for meeting in docs.values() for d in meeting}
    phrase = index.search('"fordeling af flygtninge"', SearchFilters(), limit=100)
    both = index.search("fordeling flygtninge", SearchFilters(), limit=100)
    assert 0 < phrase.total < both.total
    for hit in phrase.hits:  # in the item title or in the section text
        doc = by_key[(hit.meeting_id, hit.position)]
        assert re.search(r"fordeling af flygtning", f"{doc.item_title}\n{doc.text}".lower())


def test_section_filter_restricts_hits_and_facets(index: TextIndex) -> None:
    result = index.search("kommunerne", SearchFilters(section="indstilling"), limit=100)
    assert result.total > 0
    assert {h.section for h in result.hits} == {"Indstilling"}
    assert result.facets["section"] == {"Indstilling": result.total}


def test_date_filter_restricts_and_leaves_out_undated(index: TextIndex) -> None:
    everything = index.search("kommunerne", SearchFilters(), limit=1000)
    assert set(everything.facets["kind"]) == {"dagsorden", "referat"}
    only_2026 = index.search("kommunerne", SearchFilters(date_from="2026-01-01"), limit=1000)
    assert only_2026.total > 0 and {h.date for h in only_2026.hits} == {"2026-06-16"}
    only_2025 = index.search("kommunerne", SearchFilters(date_from="2025-09-02", date_to="2025-09-02"), limit=1000)
    assert {h.meeting_id for h in only_2025.hits} == {"kkr-h-2025-09-02"}
    undated = sum(1 for h in everything.hits if h.date is None)
    assert undated > 0
    assert everything.total == only_2026.total + only_2025.total + undated


def test_kind_body_and_case_filters(index: TextIndex, docs: dict[str, list[SectionDoc]]) -> None:
    referat = index.search("kommunerne", SearchFilters(kind="Referat"), limit=1000)
    assert referat.total > 0 and {h.kind for h in referat.hits} == {"referat"}
    sjaelland = index.search("kommunerne", SearchFilters(body="sjælland"), limit=1000)
    assert sjaelland.total > 0 and {h.body for h in sjaelland.hits} == {"KKR Sjælland"}
    case = next(d.case_number for d in docs["agenda2026"] if d.item_number == "3.7")
    by_case = index.search("lærepladser", SearchFilters(case_number=case.lower()), limit=100)
    assert by_case.total > 0 and {h.case_number for h in by_case.hits} == {case}


def test_facets_count_matching_sections(index: TextIndex, docs: dict[str, list[SectionDoc]]) -> None:
    result = index.search("lærepladser", SearchFilters(), limit=1000)
    assert result.total == len(result.hits)
    expected_sections = Counter(h.section for h in result.hits)
    assert result.facets["section"] == dict(expected_sections)
    assert sum(result.facets["kind"].values()) == result.total
    assert result.facets["year"] == dict(Counter(h.date[:4] for h in result.hits if h.date))
    assert result.facets["body"] == dict(Counter(h.body for h in result.hits if h.body))


def test_damaged_raw_spelling_is_found(index: TextIndex, docs: dict[str, list[SectionDoc]]) -> None:
    minutes = docs["minutes2025"]
    assert not any("mgde" in d.text for d in minutes) and any("mgde" in d.raw_text for d in minutes)
    damaged = index.search("mgde", SearchFilters(), limit=50)
    assert damaged.total > 0
    assert {h.meeting_id for h in damaged.hits} == {"kkr-h-2025-09-02"}
    assert any("[[mgde]]" in h.snippet for h in damaged.hits)
    repaired = index.search("møde", SearchFilters(), limit=200)
    first = next(h for h in damaged.hits)
    assert first.score < max(h.score for h in repaired.hits)  # raw text weighs less than repaired text


def test_title_match_outranks_body_match(index: TextIndex) -> None:
    result = index.search("flygtninge", SearchFilters(), limit=10, per_item=True)
    assert "flygtninge" in (result.hits[0].item_title or "").lower()


def test_or_and_not(index: TextIndex) -> None:
    a = index.search("lærepladser", SearchFilters(), limit=1000).total
    b = index.search("flygtninge", SearchFilters(), limit=1000).total
    both = index.search("lærepladser flygtninge", SearchFilters(), limit=1000).total
    either = index.search("lærepladser OR flygtninge", SearchFilters(), limit=1000).total
    assert either == a + b - both
    for query in ("lærepladser -flygtninge", "lærepladser NOT flygtninge", "lærepladser AND NOT flygtninge"):
        assert index.search(query, SearchFilters(), limit=1000).total == a - both


def test_per_item_gives_one_hit_per_item(index: TextIndex) -> None:
    sections = index.search("kommunerne", SearchFilters(), limit=1000)
    items = index.search("kommunerne", SearchFilters(), limit=1000, per_item=True)
    keys = [(h.meeting_id, h.item_number) for h in items.hits]
    assert len(keys) == len(set(keys)) == items.total
    assert items.total == len({(h.meeting_id, h.item_number) for h in sections.hits}) < sections.total
    best_section = {}
    for hit in sections.hits:  # best first
        best_section.setdefault((hit.meeting_id, hit.item_number), hit)
    assert list(items.hits) == list(best_section.values())
    assert items.facets == sections.facets  # facets count sections either way


def test_field_filters_in_the_query(index: TextIndex) -> None:
    in_query = index.search("kommunerne section:Beslutning year:2025", SearchFilters(), limit=1000)
    as_filter = index.search("kommunerne", SearchFilters(section="Beslutning", date_from="2025-01-01",
                                                         date_to="2025-12-31"), limit=1000)
    assert in_query.total == as_filter.total > 0
    title_only = index.search("title:flygtninge", SearchFilters(), limit=100, per_item=True)
    assert title_only.total > 0 and all("flygtninge" in (h.item_title or "").lower() for h in title_only.hits)


@pytest.mark.parametrize(("query", "message"), [
    ("", "Empty query"),
    ("   ", "Empty query"),
    ('"fordeling af', "Unclosed quote"),
    ("(lærepladser OR sosu", "Unclosed '('"),
    ("lærepladser)", "Unexpected ')'"),
    ("lærepladser OR", "'OR'"),
    ("AND lærepladser", "'AND'"),
    ("lærepladser NOT", "needs a search term"),
    ("-(", "ends where a search term was expected"),
    ("foo:bar", "Unknown field 'foo:'"),
    ("section:", "needs a value"),
    ("og i af", "no searchable words"),
])
def test_bad_queries_raise_a_clear_syntax_error(index: TextIndex, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=re.escape(message)):
        index.search(query, SearchFilters())


def test_bad_filter_date_is_a_syntax_error(index: TextIndex) -> None:
    with pytest.raises(QuerySyntaxError, match="ISO date"):
        index.search("kommunerne", SearchFilters(date_from="2. september 2025"))


def test_a_failed_add_leaves_the_index_as_it_was(place: Place, docs: dict[str, list[SectionDoc]]) -> None:
    meeting = docs["agenda2026"]

    def broken() -> Iterator[SectionDoc]:
        yield from meeting[:4]
        raise RuntimeError("parser crashed half way")

    with place.open() as ix:
        ix.add(meeting[:2])
        with pytest.raises(RuntimeError, match="half way"):
            ix.add(broken())
        assert ix.count() == 2


def test_readding_a_meeting_replaces_its_sections(place: Place, docs: dict[str, list[SectionDoc]]) -> None:
    meeting = docs["agenda2026"]
    with place.open() as ix:
        ix.add(meeting)
        ix.add(meeting)
        assert ix.count() == len(meeting)
        ix.replace_meeting(meeting[0].meeting_id, meeting[:5])
        assert ix.count() == 5
        ix.delete_meeting(meeting[0].meeting_id)
        assert ix.count() == 0
        ix.add(meeting)
        ix.clear()
        assert ix.count() == 0
    with place.open() as reopened:
        assert reopened.count() == 0
        reopened.add(meeting[:3])
    with place.open() as again:
        assert again.count() == 3  # committed, not only in memory


def test_per_item_total_is_exact_when_more_sections_match_than_are_fetched(index: TextIndex) -> None:
    everything = index.search("kommunerne", SearchFilters(), limit=1000, per_item=True)
    assert everything.total > 3
    first = index.search("kommunerne", SearchFilters(), limit=1, per_item=True)
    assert first.total == everything.total
    assert first.hits == everything.hits[:1]


@pytest.mark.parametrize("query", ("kommunerne", "NOT kommunerne", "lærepladser OR flygtninge", "sosu*"))
def test_tantivy_counts_items_in_hash_slices_as_one_aggregation_does(built: Callable[[str], TextIndex],
                                                                      query: str) -> None:
    """Past Tantivy's bucket limit (65,000 per aggregation; 'kommunerne' matches 262,064 items at 1M sections)
    the per-item total is counted per slice of the item-hash range: the same number as one aggregation."""
    from index.query import parse_query
    from index.tantivy.engine import HASH_MAX, _count_items_in_slices, _hash_ranges

    ix = built("tantivy")
    total = ix.search(query, SearchFilters(), limit=1000, per_item=True).total
    searcher, compiled = ix._get_searcher(), ix._builder.compile(parse_query(query))  # type: ignore[attr-defined]
    schema = ix._ix.schema  # type: ignore[attr-defined]
    assert total > 0
    assert _count_items_in_slices(searcher, compiled, schema) == total
    assert _count_items_in_slices(searcher, compiled, schema, slices=7) == total
    ranges = _hash_ranges(7)
    assert ranges[0][0] == 0 and ranges[-1][1] == HASH_MAX
    assert all(low == high + 1 for (_, high), (low, _) in itertools.pairwise(ranges))


def test_open_index_chooses_the_engine(place: Place) -> None:
    with place.open() as ix:
        assert type(ix).__module__.startswith(f"index.{place.engine}.")
    with pytest.raises(ValueError, match="Unknown search engine 'lucene'"):
        open_index(place.folder, "lucene")


@pytest.mark.parametrize(("made_by", "opened_by"), [("whoosh", "tantivy"), ("tantivy", "whoosh")])
def test_an_index_of_the_other_engine_is_refused_not_misread(tmp_path: Path, made_by: str, opened_by: str) -> None:
    open_index(tmp_path / "ix", made_by).close()
    with pytest.raises(IndexVersionError, match="reindex"):
        open_index(tmp_path / "ix", opened_by)
    assert json.loads((tmp_path / "ix" / "moedearkiv-index.json").read_text())["engine"] == made_by


AGREEMENT_QUERIES = (
    "lærepladser", "laerepladser", "LÆREPLADSER", "sundhedsråd", "sundhedsrådsm*", "oekonomi",
    "fordeling flygtninge", '"fordeling af flygtninge"', "lærepladser OR flygtninge", "kommunerne -flygtninge",
    "title:flygtninge", "raw:mgde", "mgde", "SOSU-uddannelserne", "kommunerne section:Beslutning year:2025",
    "(budget OR økonomi) kommunerne", "NOT kommunerne", "besluttede", "godkendte", "sosu*",
)


@pytest.mark.parametrize("query", AGREEMENT_QUERIES)
@pytest.mark.parametrize("engine", OTHERS)
def test_engines_find_the_same_sections_and_facets(built: Callable[[str], TextIndex], engine: str,
                                                   query: str) -> None:
    theirs = built("whoosh").search(query, SearchFilters(), limit=1000)
    ours = built(engine).search(query, SearchFilters(), limit=1000)
    assert ours.total == theirs.total
    assert {(h.meeting_id, h.position) for h in ours.hits} == {(h.meeting_id, h.position) for h in theirs.hits}
    assert ours.facets == theirs.facets


@pytest.mark.parametrize("filters", [SearchFilters(body="sjaelland"), SearchFilters(kind="REFERAT"),
                                     SearchFilters(date_from="2025-01-01", date_to="2025-12-31"),
                                     SearchFilters(section="beslutning", date_to="2026-01-01")])
@pytest.mark.parametrize("engine", OTHERS)
def test_engines_apply_filters_and_per_item_totals_alike(built: Callable[[str], TextIndex], engine: str,
                                                         filters: SearchFilters) -> None:
    theirs = built("whoosh").search("kommunerne", filters, limit=1000, per_item=True)
    ours = built(engine).search("kommunerne", filters, limit=1000, per_item=True)
    assert ours.total == theirs.total > 0
    assert {(h.meeting_id, h.item_number) for h in ours.hits} == {(h.meeting_id, h.item_number) for h in theirs.hits}


NO_WHOOSH = """
import json, sys
from pathlib import Path
from index import SearchFilters, SectionDoc, open_index
doc = SectionDoc(meeting_id="m1", date="2025-01-01", kind="referat", body="Udvalget", item_number="1",
                 item_title="Lærepladser", case_number="SAG-2025-1", section="Beslutning", position=0, page=1,
                 text="Udvalget godkendte fordelingen af lærepladser.")
for engine, url in (("tantivy", None), ("postgres", sys.argv[2])):
    with open_index(Path(sys.argv[1]) / engine, engine, url) as ix:
        ix.add([doc])
        assert ix.search("laerepladser", SearchFilters()).total == 1
loaded = lambda: sorted(m for m in sys.modules if m.split(".")[0] == "whoosh" or m.startswith("index.whoosh"))
before = loaded()
import index.whoosh  # the check itself: importing the Whoosh engine does show up
print(json.dumps([before, bool(loaded())]))
"""


def test_tantivy_and_postgres_load_no_whoosh_module(tmp_path: Path, pg_url: str) -> None:
    """Indexing and searching with Tantivy and PostgreSQL in a fresh interpreter leaves Whoosh unimported."""
    proc = subprocess.run([sys.executable, "-c", NO_WHOOSH, str(tmp_path), pg_url], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    before, detected = json.loads(proc.stdout)
    assert before == [] and detected


def test_settings_pick_the_engine_from_the_environment(tmp_path: Path) -> None:
    default = Settings.resolve(home=tmp_path, env={})
    chosen = Settings.resolve(home=tmp_path, env={"MOEDEARKIV_ENGINE": "Tantivy"})
    assert (default.engine, default.index_dir) == ("whoosh", tmp_path / "index")
    assert (chosen.engine, chosen.index_dir) == ("tantivy", tmp_path / "index-tantivy")
    assert Settings.resolve(home=tmp_path, env={"MOEDEARKIV_ENGINE": "tantivy"}, engine="whoosh").engine == "whoosh"


def test_postgres_is_the_default_engine_of_a_postgresql_database(tmp_path: Path) -> None:
    settings = Settings.resolve(home=tmp_path, db_url="postgresql+psycopg://u@h/db", env={})
    assert settings.engine == "postgres"
    assert Settings.resolve(home=tmp_path, env={}).engine == "whoosh"
    with pytest.raises(ValueError, match="needs the database URL"):
        open_index(tmp_path, "postgres")


@pytest.mark.slow
def test_cli_ingests_searches_and_reindexes_with_tantivy(tmp_path: Path) -> None:
    """The whole flow through the CLI with MOEDEARKIV_ENGINE=tantivy on the real 2026 agenda (text layer)."""
    env = {**os.environ, "MOEDEARKIV_ENGINE": "tantivy"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(tmp_path), *args],
                              capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)

    assert cli("ingest", str(FIXTURES / "pdf" / "000.pdf")).returncode == 0
    assert (tmp_path / "index-tantivy").is_dir() and not (tmp_path / "index").exists()
    before = json.loads(cli("search", "laerepladser", "--per-item", "--json").stdout)
    assert before["hits"][0]["item_number"] == "3.7" and "[[lærepladser]]" in before["hits"][0]["snippet"]
    assert cli("reindex").returncode == 0
    after = json.loads(cli("search", "laerepladser", "--per-item", "--json").stdout)
    assert after["total"] == before["total"] and after["hits"] == before["hits"]


def test_postgres_writes_join_the_archive_transaction(pg_url: str, docs: dict[str, list[SectionDoc]]) -> None:
    """Search rows written inside the archive's transaction commit and roll back with it."""
    from sqlalchemy import create_engine

    meeting = docs["agenda2026"]
    archive = create_engine(pg_url)
    with open_index(Path("unused"), "postgres", pg_url) as ix:
        with pytest.raises(RuntimeError, match="rolled back"), archive.begin() as conn, ix.joined(conn) as joined:
            assert joined
            ix.add(meeting)
            raise RuntimeError("the document's rows are rolled back")
        assert ix.count() == 0
        with archive.begin() as conn, ix.joined(conn):
            ix.add(meeting[:3])
            assert ix.count() == 0  # not committed yet: another connection sees nothing
        assert ix.count() == 3
    archive.dispose()


def test_postgres_bulk_load_builds_the_gin_after_it(pg_url: str, docs: dict[str, list[SectionDoc]]) -> None:
    """More than `bulk_min_rows` sections into an empty table (the GIN dropped, built after the load): the same
    hits as the ordinary path, the GIN indexes are back afterwards, and every page is all-visible at once (COPY
    FREEZE: the ANALYZE after the load reads the visibility map into relallvisible)."""
    from sqlalchemy import create_engine, text

    from index.postgres import PostgresIndex

    copies = 3
    sections = [replace(d, meeting_id=f"{d.meeting_id}-{n}") for n in range(copies)
                for meeting in docs.values() for d in meeting[:30]]
    bulk_min_rows = 100
    with PostgresIndex.open(pg_url, bulk_min_rows=bulk_min_rows) as ix:
        assert ix.add(sections) == ix.count() > 2 * bulk_min_rows
        pages, visible = _page_visibility(pg_url)
        assert pages > 0 and visible == pages
        bulk_totals = [ix.search(q, SearchFilters(), limit=1).total for q in AGREEMENT_QUERIES[:8]]
        ix.clear()
        ix.add(d for meeting in docs.values() for d in meeting[:30])  # fewer than bulk_min_rows: the ordinary path
        one_copy = [ix.search(q, SearchFilters(), limit=1).total for q in AGREEMENT_QUERIES[:8]]
    assert bulk_totals == [copies * t for t in one_copy] and sum(one_copy) > 0
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        gins = {r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin%'"))}
    engine.dispose()
    assert {"search_sections_tsv", "search_sections_body_words"} <= gins


def _page_visibility(url: str) -> tuple[int, int]:
    """(pages, all-visible pages) of the search table, as its last ANALYZE counted them."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'search_sections'")).one()
    engine.dispose()
    return int(row[0]), int(row[1])


def test_postgres_table_without_facet_codes_is_rewritten_when_opened(pg_url: str,
                                                                     docs: dict[str, list[SectionDoc]]) -> None:
    """A table of the same schema version made before facet codes (no `facet_code`, no dictionary, the vector
    allowed into TOAST) is rewritten in the current layout when opened, and searches the same afterwards: hits,
    scores, totals, per-item totals and facets; new rows get ids after the old ones."""
    from sqlalchemy import create_engine, text

    from index.postgres import PostgresIndex

    def results(ix: TextIndex) -> list[object]:
        return [(r.total, r.facets, [(h.meeting_id, h.position, h.score) for h in r.hits])
                for q in AGREEMENT_QUERIES[:10] for per_item in (False, True)
                for r in [ix.search(q, SearchFilters(), limit=20, per_item=per_item)]]

    with PostgresIndex.open(pg_url) as ix:
        ix.add(d for meeting in docs.values() for d in meeting)
        before = results(ix)
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE search_sections ALTER COLUMN tsv SET STORAGE EXTENDED"))
        conn.execute(text("ALTER TABLE search_sections DROP COLUMN facet_code"))
        conn.execute(text("DROP TABLE search_sections_facets"))
    with PostgresIndex.open(pg_url) as ix:
        assert results(ix) == before
        ix.add(replace(d, meeting_id="new-meeting", kind="bilag") for d in next(iter(docs.values())))
        assert ix.search("kommunerne", SearchFilters(kind="bilag")).facets["kind"] == {
            "bilag": ix.search("kommunerne", SearchFilters(kind="bilag")).total}
    with engine.connect() as conn:
        missing = conn.execute(text("SELECT count(*) FROM search_sections WHERE facet_code IS NULL")).scalar()
        storage = conn.execute(text("SELECT attstorage FROM pg_attribute WHERE attrelid = 'search_sections'::regclass "
                                    "AND attname = 'tsv'")).scalar()
        tables = {r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'search%'"))}
        indexes = {r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes "
                                                   "WHERE tablename = 'search_sections'"))}
        ids = conn.execute(text("SELECT meeting_id = 'new-meeting' FROM search_sections ORDER BY id")).scalars().all()
    engine.dispose()
    assert tables == {"search_sections", "search_sections_meta", "search_sections_facets"}
    assert {"search_sections_pkey", "search_sections_tsv", "search_sections_body_words"} <= indexes
    assert ids == sorted(ids) and ids[-1]
    assert missing == 0 and any(total for total, _, _ in before)
    assert storage == "m"  # the vector stays in the row (index/postgres/engine.py TSV_INLINE)


def test_postgres_writers_adding_each_others_facet_codes_do_not_deadlock(pg_url: str) -> None:
    """Two write transactions each adding a new facet combination and then the other's: the second waits for the
    first to commit instead of both waiting on each other's uncommitted dictionary rows (a deadlock)."""
    import threading

    from sqlalchemy import create_engine, text

    from index.postgres import PostgresIndex
    from index.postgres.facet_codes import FacetCodes

    PostgresIndex.open(pg_url).close()  # creates the table and its dictionary
    x = {"kind": "referat", "body": "Udvalg X", "year": "2031", "section": "Beslutning", "municipality": None,
         "closed": False}
    y = {**x, "body": "Udvalg Y"}
    engine = create_engine(pg_url)
    first_added = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            first_added.wait(10)
            with engine.begin() as conn:
                codes = FacetCodes(conn, "search_sections")
                codes.assign([dict(y)])
                codes.assign([dict(x)])
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    thread = threading.Thread(target=second)
    thread.start()
    with engine.begin() as conn:
        codes = FacetCodes(conn, "search_sections")
        rows = [dict(x)]
        codes.assign(rows)
        first_added.set()
        thread.join(1)  # the other writer is now waiting (or, without the lock, has added y)
        codes.assign([dict(y)])
    thread.join(30)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM search_sections_facets WHERE year = '2031'")).scalar()
    engine.dispose()
    assert not errors and not thread.is_alive()
    assert count == 2 and rows[0]["facet_code"] > 0
