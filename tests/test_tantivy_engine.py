"""The Tantivy engine behind the same interface: the Whoosh index tests, run again on a real Tantivy index,
and a side-by-side check that both engines find the same sections with the same facets.

The seed-based sections and every assertion come from tests/test_index.py; only the `index` fixture (and
the two tests that open an index themselves) differ.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import SearchFilters, SearchIndex, SectionDoc
from index.engine_choice import open_index
from index.store import IndexVersionError
from index.tantivy_engine import TantivyIndex
from pipeline.config import Settings
from tests import test_index as shared
from tests.conftest import FIXTURES, ROOT

docs = shared.docs


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, docs: dict[str, list[SectionDoc]]) -> Iterator[TantivyIndex]:
    ix = TantivyIndex.open(tmp_path_factory.mktemp("tantivy") / "index")
    for meeting in docs.values():
        ix.add(meeting)
    yield ix
    ix.close()


@pytest.fixture(scope="module")
def whoosh(tmp_path_factory: pytest.TempPathFactory, docs: dict[str, list[SectionDoc]]) -> Iterator[SearchIndex]:
    ix = SearchIndex.open(tmp_path_factory.mktemp("whoosh") / "index")
    for meeting in docs.values():
        ix.add(meeting)
    yield ix
    ix.close()


# The Whoosh engine's behaviour tests, unchanged, against the Tantivy `index` fixture above.
test_three_spellings_of_laereplads_put_the_sosu_item_on_top = (
    shared.test_three_spellings_of_laereplads_put_the_sosu_item_on_top)
test_spellings_find_the_same_sections = shared.test_spellings_find_the_same_sections
test_stemming_joins_compound_inflections = shared.test_stemming_joins_compound_inflections
test_prefix_star_reaches_longer_compounds = shared.test_prefix_star_reaches_longer_compounds
test_prefix_is_cut_back_to_the_stem = shared.test_prefix_is_cut_back_to_the_stem
test_phrase_query_needs_the_words_in_order = shared.test_phrase_query_needs_the_words_in_order
test_section_filter_restricts_hits_and_facets = shared.test_section_filter_restricts_hits_and_facets
test_date_filter_restricts_and_leaves_out_undated = shared.test_date_filter_restricts_and_leaves_out_undated
test_kind_body_and_case_filters = shared.test_kind_body_and_case_filters
test_facets_count_matching_sections = shared.test_facets_count_matching_sections
test_damaged_raw_spelling_is_found = shared.test_damaged_raw_spelling_is_found
test_title_match_outranks_body_match = shared.test_title_match_outranks_body_match
test_or_and_not = shared.test_or_and_not
test_per_item_gives_one_hit_per_item = shared.test_per_item_gives_one_hit_per_item
test_field_filters_in_the_query = shared.test_field_filters_in_the_query
test_bad_queries_raise_a_clear_syntax_error = shared.test_bad_queries_raise_a_clear_syntax_error
test_bad_filter_date_is_a_syntax_error = shared.test_bad_filter_date_is_a_syntax_error


def _section(meeting_id: str, title: str, text: str) -> SectionDoc:
    return SectionDoc(meeting_id=meeting_id, date="2025-01-01", kind="referat", body="Udvalget", item_number="1",
                      item_title=title, case_number=None, section="Sagsfremstilling", position=0, page=1, text=text)


def test_phrase_beats_scattered_words(tmp_path: Path) -> None:
    scattered = _section("m1", "Ældreområdet", "Fordeling af midler til ældre. Kommunerne ønsker flere lærepladser "
                         "og en ny fordeling af opgaverne mellem regionen og kommunerne om lærepladser.")
    adjacent = _section("m2", "Uddannelse", "Udvalget drøftede fordeling af lærepladser mellem kommunerne i regionen.")
    with TantivyIndex.open(tmp_path / "ix") as ix:
        ix.add([scattered])
        ix.add([adjacent])
        words = ix.search("fordeling lærepladser", SearchFilters())
        assert [h.meeting_id for h in words.hits] == ["m2", "m1"]
        phrase = ix.search('"fordeling af lærepladser"', SearchFilters())
        assert [h.meeting_id for h in phrase.hits] == ["m2"]
        assert "[[fordeling]] af [[lærepladser]]" in phrase.hits[0].snippet


def test_a_failed_add_leaves_the_index_as_it_was(tmp_path: Path, docs: dict[str, list[SectionDoc]]) -> None:
    meeting = docs["agenda2026"]

    def broken() -> Iterator[SectionDoc]:
        yield from meeting[:4]
        raise RuntimeError("parser crashed half way")

    with TantivyIndex.open(tmp_path / "ix") as ix:
        ix.add(meeting[:2])
        with pytest.raises(RuntimeError, match="half way"):
            ix.add(broken())
        assert ix.count() == 2


def test_an_index_of_the_other_engine_is_refused_not_misread(tmp_path: Path) -> None:
    SearchIndex.open(tmp_path / "ix").close()
    with pytest.raises(IndexVersionError, match="reindex"):
        TantivyIndex.open(tmp_path / "ix")
    assert json.loads((tmp_path / "ix" / "moedearkiv-index.json").read_text())["engine"] == "whoosh"


def test_open_index_chooses_the_engine(tmp_path: Path) -> None:
    assert isinstance(open_index(tmp_path / "w", "whoosh"), SearchIndex)
    assert isinstance(open_index(tmp_path / "t", "tantivy"), TantivyIndex)
    with pytest.raises(ValueError, match="Unknown search engine 'lucene'"):
        open_index(tmp_path / "x", "lucene")


AGREEMENT_QUERIES = (
    "lærepladser", "laerepladser", "LÆREPLADSER", "sundhedsråd", "sundhedsrådsm*", "oekonomi",
    "fordeling flygtninge", '"fordeling af flygtninge"', "lærepladser OR flygtninge", "kommunerne -flygtninge",
    "title:flygtninge", "raw:mgde", "mgde", "SOSU-uddannelserne", "kommunerne section:Beslutning year:2025",
    "(budget OR økonomi) kommunerne", "NOT kommunerne", "besluttede", "godkendte", "sosu*",
)


@pytest.mark.parametrize("query", AGREEMENT_QUERIES)
def test_both_engines_find_the_same_sections_and_facets(index: TantivyIndex, whoosh: SearchIndex,
                                                        query: str) -> None:
    theirs = whoosh.search(query, SearchFilters(), limit=1000)
    ours = index.search(query, SearchFilters(), limit=1000)
    assert ours.total == theirs.total
    assert {(h.meeting_id, h.position) for h in ours.hits} == {(h.meeting_id, h.position) for h in theirs.hits}
    assert ours.facets == theirs.facets


@pytest.mark.parametrize("filters", [SearchFilters(body="sjaelland"), SearchFilters(kind="REFERAT"),
                                     SearchFilters(date_from="2025-01-01", date_to="2025-12-31"),
                                     SearchFilters(section="beslutning", date_to="2026-01-01")])
def test_both_engines_apply_filters_alike(index: TantivyIndex, whoosh: SearchIndex, filters: SearchFilters) -> None:
    theirs = whoosh.search("kommunerne", filters, limit=1000, per_item=True)
    ours = index.search("kommunerne", filters, limit=1000, per_item=True)
    assert ours.total == theirs.total > 0
    assert {(h.meeting_id, h.item_number) for h in ours.hits} == {(h.meeting_id, h.item_number) for h in theirs.hits}


def test_per_item_total_is_exact_when_more_sections_match_than_are_fetched(index: TantivyIndex) -> None:
    everything = index.search("kommunerne", SearchFilters(), limit=1000, per_item=True)
    assert everything.total > 3
    first = index.search("kommunerne", SearchFilters(), limit=1, per_item=True)
    assert first.total == everything.total
    assert first.hits == everything.hits[:1]


def test_settings_pick_the_engine_from_the_environment(tmp_path: Path) -> None:
    default = Settings.resolve(home=tmp_path, env={})
    chosen = Settings.resolve(home=tmp_path, env={"MOEDEARKIV_ENGINE": "Tantivy"})
    assert (default.engine, default.index_dir) == ("whoosh", tmp_path / "index")
    assert (chosen.engine, chosen.index_dir) == ("tantivy", tmp_path / "index-tantivy")
    assert Settings.resolve(home=tmp_path, env={"MOEDEARKIV_ENGINE": "tantivy"}, engine="whoosh").engine == "whoosh"


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
