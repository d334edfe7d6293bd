"""The PostgreSQL search engine (index/postgres/) on a real PostgreSQL: the Whoosh engine's behaviour tests,
unchanged, and the agreement queries against Whoosh and Tantivy (same totals, sections and facets)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from index import SearchFilters, SearchIndex, SectionDoc
from index.engine_choice import open_index
from index.postgres import PostgresIndex
from index.tantivy_engine import TantivyIndex
from pipeline.config import Settings
from tests import test_index as shared
from tests.test_tantivy_engine import AGREEMENT_QUERIES

docs = shared.docs


@pytest.fixture(scope="module")
def index(pg_cluster, docs: dict[str, list[SectionDoc]]) -> Iterator[PostgresIndex]:  # noqa: ANN001
    ix = PostgresIndex.open(pg_cluster.create_database("engine_suite"))
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


@pytest.fixture(scope="module")
def tantivy(tmp_path_factory: pytest.TempPathFactory, docs: dict[str, list[SectionDoc]]) -> Iterator[TantivyIndex]:
    ix = TantivyIndex.open(tmp_path_factory.mktemp("tantivy") / "index")
    for meeting in docs.values():
        ix.add(meeting)
    yield ix
    ix.close()


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


@pytest.mark.parametrize("query", AGREEMENT_QUERIES)
def test_all_three_engines_find_the_same_sections_and_facets(index: PostgresIndex, whoosh: SearchIndex,
                                                             tantivy: TantivyIndex, query: str) -> None:
    ours = index.search(query, SearchFilters(), limit=1000)
    for other in (whoosh, tantivy):
        theirs = other.search(query, SearchFilters(), limit=1000)
        assert ours.total == theirs.total
        assert {(h.meeting_id, h.position) for h in ours.hits} == {(h.meeting_id, h.position) for h in theirs.hits}
        assert ours.facets == theirs.facets


@pytest.mark.parametrize("filters", [SearchFilters(body="sjaelland"), SearchFilters(kind="REFERAT"),
                                     SearchFilters(date_from="2025-01-01", date_to="2025-12-31"),
                                     SearchFilters(section="beslutning", date_to="2026-01-01")])
def test_filters_and_per_item_totals_agree_with_whoosh(index: PostgresIndex, whoosh: SearchIndex,
                                                       filters: SearchFilters) -> None:
    theirs = whoosh.search("kommunerne", filters, limit=1000, per_item=True)
    ours = index.search("kommunerne", filters, limit=1000, per_item=True)
    assert ours.total == theirs.total > 0
    assert {(h.meeting_id, h.item_number) for h in ours.hits} == {(h.meeting_id, h.item_number) for h in theirs.hits}


def test_per_item_total_is_exact_with_a_small_limit(index: PostgresIndex) -> None:
    everything = index.search("kommunerne", SearchFilters(), limit=1000, per_item=True)
    first = index.search("kommunerne", SearchFilters(), limit=1, per_item=True)
    assert first.total == everything.total > 3
    assert first.hits == everything.hits[:1]


def test_replacing_and_deleting_a_meeting(pg_url: str, docs: dict[str, list[SectionDoc]]) -> None:
    ix = PostgresIndex.open(pg_url)
    sections = next(iter(docs.values()))
    meeting_id = sections[0].meeting_id
    assert ix.add(sections) == len(sections) and ix.count() == len(sections)
    assert ix.replace_meeting(meeting_id, sections[:1]) == 1 and ix.count() == 1
    ix.delete_meeting(meeting_id)
    assert ix.count() == 0
    ix.close()


def test_postgres_is_the_default_engine_of_a_postgresql_database(tmp_path) -> None:  # noqa: ANN001
    settings = Settings.resolve(home=tmp_path, db_url="postgresql+psycopg://u@h/db", env={})
    assert settings.engine == "postgres"
    assert Settings.resolve(home=tmp_path, env={}).engine == "whoosh"
    with pytest.raises(ValueError, match="needs the database URL"):
        open_index(tmp_path, "postgres")
