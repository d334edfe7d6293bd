"""Search over merged meetings (issue 9, point 5), on a real Whoosh and a real Tantivy index.

The records are SectionDocs as storage hands them over for a merged meeting: one per section of each item
(with item id, municipality, closed, decision date and body, source and the other sources of the item),
plus the meeting-level `Deltagere` record with the participants' names and the place. Every check runs on
Whoosh, Tantivy and the postgres engine (on the tests' PostgreSQL cluster), and the last ones compare the
engines' totals, facets and hits query for query.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from index import QuerySyntaxError, SearchFilters, SectionDoc, TextIndex, open_index
from index.analysis import index_terms, modernize, word_keys
from index.model import FACET_FIELDS

SYDDJURS = "syddjurs-puk-2013-06-20"
KKR = "kkr-hovedstaden-2025-10-24"
ODDER = "odder-sogneraad-1912-03-04"


def _doc(meeting_id: str, number: str | None, section: str, position: int, text: str, **extra: object) -> SectionDoc:
    defaults: dict[str, object] = {
        "date": "2013-06-20", "kind": "referat", "body": "Udvalget for Plan, udvikling og kultur",
        "item_title": None, "case_number": None, "page": 1, "municipality": "Syddjurs Kommune",
        "item_id": f"{meeting_id}/{number}" if number else None, "source": "a" * 64}
    defaults.update(extra)
    return SectionDoc(meeting_id=meeting_id, item_number=number, section=section, position=position, text=text,
                      **defaults)  # type: ignore[arg-type]


def meetings() -> dict[str, list[SectionDoc]]:
    title = "Kulturkommune 2017. Politiske fokusområder"
    syddjurs = [
        _doc(SYDDJURS, "715", "Resumé", 0, "Kulturafdelingen har lagt en plan for satsningen på kulturkommunen.",
             item_title=title, case_number="12/27845", also_in=("puk_715.pdf",)),
        _doc(SYDDJURS, "715", "Beslutning", 1, "Indstillingen godkendt.", item_title=title, case_number="12/27845",
             decided_on="2013-04-10", decided_by="Udvalget for Plan, udvikling og kultur (PUK)"),
        _doc(SYDDJURS, "715", "Beslutning", 2, "Sagen genoptages. Udvalget godkender planen for året.",
             item_title=title, case_number="12/27845", decided_on="2013-06-20",
             decided_by="Udvalget for Plan, udvikling og kultur (PUK)"),
        _doc(SYDDJURS, "716", "Sagsfremstilling", 3, "Personsag. Sagsnr. 330-2018-3619 behandles for lukkede døre.",
             item_title="Personalesag", case_number="330-2018-3619", closed=True),
        _doc(SYDDJURS, "716", "Beslutning", 4, "Godkendt.", item_title="Personalesag", case_number="330-2018-3619",
             closed=True, decided_on="2013-06-20"),
        _doc(SYDDJURS, "717", "Tabel", 5, "Budget | 2013 | 2014", item_title="Anlægsbudget",
             case_number="01.02.05-G01-93-16"),
        _doc(SYDDJURS, "717", "Tabel", 6, "Anlæg | 120 | 140", item_title="Anlægsbudget",
             case_number="01.02.05-G01-93-16"),
        _doc(SYDDJURS, None, "Deltagere", 7, "Udvalget for Plan, udvikling og kultur. Rådhuset, Ebeltoft. "
             "Deltagere: Kirsten Kjær, Ole Bollesen"),
    ]
    kkr = [
        _doc(KKR, "3.1", "Indstilling", 0, "Det indstilles, at KKR Hovedstaden drøfter lærepladser i år.",
             date="2025-10-24", body="KKR Hovedstaden", municipality=None, item_title="Praktikpladser på SOSU",
             case_number="SAG-2025-03121", kind="dagsorden"),
        _doc(KKR, "3.2", "Sagsfremstilling", 1, "Ar og ardannelse efter operationer, EMN-2025-003383 vedlagt.",
             date="2025-10-24", body="KKR Hovedstaden", municipality=None, item_title="Sundhedsaftale",
             kind="dagsorden"),
        _doc(KKR, None, "Deltagere", 2, "KKR Hovedstaden. Regionsgården, Hillerød. Benedikte Kiær, Steen "
             "Christiansen", date="2025-10-24", body="KKR Hovedstaden", municipality=None, kind="dagsorden"),
    ]
    odder = [
        _doc(ODDER, "1", "Beslutning", 0, "Sogneraadet vedtog at bevilge Skolen i Aarhus 200 Kr.",
             date="1912-03-04", body="Odder Sogneraad", municipality="Odder Kommune", item_title="Skolevæsenet",
             decided_on="1912-03-04"),
        _doc(ODDER, "2", "Beslutning", 1, "Sognerådet i Århus Amt tiltrådte overenskomsten.",
             date="1912-03-04", body="Odder Sogneraad", municipality="Odder Kommune", item_title="Vejvæsenet",
             decided_on=None),
    ]
    return {SYDDJURS: syddjurs, KKR: kkr, ODDER: odder}


ENGINES = ("whoosh", "tantivy", "postgres")


def _open(engine: str, request: pytest.FixtureRequest, folder: Path, database: str) -> TextIndex:
    """An empty index of `engine`; postgres in a fresh database of the session's cluster."""
    url = request.getfixturevalue("pg_cluster").create_database(database) if engine == "postgres" else None
    return open_index(folder / "index", engine, url)


@pytest.fixture(scope="module", params=ENGINES)
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TextIndex]:
    ix = _open(request.param, request, tmp_path_factory.mktemp(request.param), "search_meetings")
    for meeting_id, docs in meetings().items():
        ix.replace_meeting(meeting_id, docs)
    yield ix
    ix.close()


def keys(ix: TextIndex, query: str, filters: SearchFilters | None = None, **kwargs: object) -> list[tuple]:
    result = ix.search(query, filters or SearchFilters(), limit=100, **kwargs)  # type: ignore[arg-type]
    return [(h.meeting_id, h.item_number, h.section) for h in result.hits]


@pytest.mark.parametrize(("query", "item"), [("12/27845", (SYDDJURS, "715")), ("SAG-2025-03121", (KKR, "3.1")),
                                             ("EMN-2025-003383", (KKR, "3.2")), ("330-2018-3619", (SYDDJURS, "716")),
                                             ("01.02.05-G01-93-16", (SYDDJURS, "717")),
                                             ("sag-2025-03121", (KKR, "3.1"))])
def test_a_case_number_typed_bare_finds_its_item_first(index: TextIndex, query: str, item: tuple[str, str]) -> None:
    found = keys(index, query)
    assert found, query
    assert found[0][:2] == item
    assert {k[:2] for k in found} == {item}


def test_the_case_filter_still_works(index: TextIndex) -> None:
    assert {k[:2] for k in keys(index, "case:12/27845")} == {(SYDDJURS, "715")}
    assert {k[:2] for k in keys(index, "godkendt", SearchFilters(case_number="330-2018-3619"))} == {
        (SYDDJURS, "716")}


@pytest.mark.parametrize("query", ['"Benedikte Kiær"', "Benedikte Kiær", "benedikte kiaer", "Hillerød"])
def test_participants_and_places_find_the_meeting(index: TextIndex, query: str) -> None:
    result = index.search(query, SearchFilters(), limit=10)
    assert [(h.meeting_id, h.section, h.item_id) for h in result.hits] == [(KKR, "Deltagere", None)]


@pytest.mark.parametrize(("query", "expected"), [
    ("Sogneraad", {"1", "2"}), ("sogneråd", {"1", "2"}), ("Aarhus", {"1", "2"}), ("Århus", {"1", "2"})])
def test_old_spellings_meet_modern_ones_both_ways(index: TextIndex, query: str, expected: set[str]) -> None:
    found = {k[1] for k in keys(index, query, SearchFilters(body="Odder"))}
    assert found == expected


def test_aa_is_mapped_to_a_ring_but_a_ring_is_never_folded_to_a(index: TextIndex) -> None:
    assert word_keys("år") == ("år", "aar") and "ar" not in word_keys("år")
    assert modernize("sogneraadet") == "sognerådet"
    ar = {k[:2] for k in keys(index, "ar")}
    aar = {k[:2] for k in keys(index, "år")}
    assert ar == {(KKR, "3.2")}
    assert (KKR, "3.2") not in aar
    assert (KKR, "3.1") in aar


def test_old_spelling_phrase_keeps_positions() -> None:
    positions = [pos for pos, _ in index_terms("Sogneraadet i Aarhus 12/27845 vedtog")]
    assert positions == list(range(len(positions)))


def test_closed_flag_and_query_field(index: TextIndex) -> None:
    closed = {k[:2] for k in keys(index, "godkendt", SearchFilters(closed=True))}
    assert closed == {(SYDDJURS, "716")}
    for value in ("ja", "JA", "true"):
        assert {k[:2] for k in keys(index, f"godkendt closed:{value}")} == closed
    opened = {k[:2] for k in keys(index, "godkendt closed:nej")}
    assert opened and not opened & closed
    assert {k[:2] for k in keys(index, "godkendt", SearchFilters(closed=False))} == opened
    facets = index.search("godkendt", SearchFilters()).facets["closed"]
    assert facets == {"false": len(keys(index, "godkendt closed:nej")), "true": 1}


def test_municipality_filter_and_facet(index: TextIndex) -> None:
    result = index.search("udvalget", SearchFilters(), limit=100)
    assert result.facets["municipality"] == {"Syddjurs Kommune": result.total}
    assert keys(index, "udvalget", SearchFilters(municipality="odder")) == []
    assert keys(index, "udvalget municipality:syddjurs") == keys(index, "udvalget")
    assert {k[0] for k in keys(index, "sognerådet", SearchFilters(municipality="Odder Kommune"))} == {ODDER}


def test_sort_by_date_and_offset(index: TextIndex) -> None:
    query = "udvalget OR kkr OR sogneraad"
    relevance = index.search(query, SearchFilters(), limit=100)
    oldest = index.search(query, SearchFilters(), limit=100, sort="date")
    newest = index.search(query, SearchFilters(), limit=100, sort="-date")
    assert oldest.total == newest.total == relevance.total
    dates = [h.date for h in oldest.hits]
    assert dates == sorted(dates) and dates[0] == "1912-03-04"
    assert [h.date for h in newest.hits] == sorted(dates, reverse=True)
    page2 = index.search(query, SearchFilters(), limit=2, offset=2, sort="-date")
    assert [h.date for h in page2.hits] == [h.date for h in newest.hits[2:4]]
    assert page2.total == relevance.total and page2.offset == 2
    firsts = index.search(query, SearchFilters(), limit=1, per_item=True, sort="date")
    seconds = index.search(query, SearchFilters(), limit=1, offset=1, per_item=True, sort="date")
    assert firsts.hits[0].item_id != seconds.hits[0].item_id


def test_decision_dates_bound_beslutning_searches(index: TextIndex) -> None:
    april = SearchFilters(section="Beslutning", date_from="2013-04-01", date_to="2013-04-30")
    result = index.search("godkendt OR planen", april, limit=10)
    assert [(h.item_number, h.decided_on) for h in result.hits] == [("715", "2013-04-10")]
    assert result.hits[0].decided_by == "Udvalget for Plan, udvikling og kultur (PUK)"
    meeting_date = SearchFilters(section="Resumé", date_from="2013-04-01", date_to="2013-04-30")
    assert index.search("kulturkommunen", meeting_date).total == 0
    undecided = SearchFilters(section="Beslutning", date_from="1912-03-04", date_to="1912-03-04")
    assert {h.item_number for h in index.search("sognerådet", undecided).hits} == {"1", "2"}  # else meeting date


def test_bad_values_are_syntax_errors(index: TextIndex) -> None:
    with pytest.raises(QuerySyntaxError, match="ja, nej, true or false"):
        index.search("godkendt closed:måske")
    with pytest.raises(QuerySyntaxError, match="Unknown sort"):
        index.search("godkendt", sort="title")
    with pytest.raises(QuerySyntaxError, match="offset"):
        index.search("godkendt", offset=-1)


def test_no_search_returns_one_section_of_an_item_twice(index: TextIndex) -> None:
    for query in ("budget OR anlæg", "godkendt OR planen OR udvalget", "kkr OR sogneraad OR 2013"):
        found = keys(index, query)
        assert found and len(found) == len(set(found)), query
    tables = index.search("anlæg", SearchFilters(section="Tabel"))
    assert tables.total == 1 and "120" in tables.hits[0].snippet


def test_hits_carry_the_meeting_record_fields(index: TextIndex) -> None:
    hit = index.search("kulturafdelingen").hits[0]
    assert (hit.item_id, hit.municipality, hit.closed, hit.also_in) == (
        f"{SYDDJURS}/715", "Syddjurs Kommune", False, ("puk_715.pdf",))
    data = hit.as_json()
    assert {"meeting_id", "date", "kind", "item_number", "item_title", "section", "score", "snippet"} <= set(data)
    assert data["also_in"] == ["puk_715.pdf"] and data["item_id"] == f"{SYDDJURS}/715"


def test_per_item_groups_by_item_id(index: TextIndex) -> None:
    result = index.search("godkendt OR planen OR kulturafdelingen", per_item=True, limit=100)
    ids = [h.item_id for h in result.hits]
    assert len(ids) == len(set(ids)) == result.total
    assert f"{SYDDJURS}/715" in ids


@pytest.mark.parametrize("engine", ENGINES)
def test_replace_meeting_replaces_every_record(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    ix = _open(engine, request, tmp_path / engine, "search_meetings_replace")
    docs = meetings()[SYDDJURS]
    ix.replace_meeting(SYDDJURS, docs)
    ix.replace_meeting(SYDDJURS, [replace(docs[0], text="Kulturafdelingen har en ny plan.")])
    assert ix.count() == 1
    assert ix.search("12/27845").total == 1
    ix.replace_meeting(SYDDJURS, [])
    assert ix.count() == 0
    ix.close()


AGREEMENT_QUERIES: list[tuple[str, SearchFilters, dict[str, object]]] = [
    ("godkendt", SearchFilters(), {}),
    ("godkendt", SearchFilters(closed=True), {}),
    ("godkendt closed:nej", SearchFilters(), {}),
    ("udvalget", SearchFilters(municipality="syddjurs"), {}),
    ("12/27845", SearchFilters(), {}),
    ("SAG-2025-03121 OR 330-2018-3619", SearchFilters(), {}),
    ("godkendt OR planen", SearchFilters(section="Beslutning", date_from="2013-06-01"), {}),
    ("sogneraad", SearchFilters(), {"sort": "date"}),
    ("udvalget OR kkr OR århus", SearchFilters(), {"sort": "-date", "offset": 1}),
    ("udvalget OR kkr OR århus", SearchFilters(), {"per_item": True}),
    ('"Benedikte Kiær" OR Ebeltoft', SearchFilters(), {}),
    ("-godkendt", SearchFilters(), {}),
]


@pytest.fixture(scope="module")
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TextIndex]]:
    engines = {name: _open(name, request, tmp_path_factory.mktemp(f"agree-{name}"), "search_meetings_agree")
               for name in ENGINES}
    for ix in engines.values():
        ix.add(doc for docs in meetings().values() for doc in docs)
    yield engines
    for ix in engines.values():
        ix.close()


@pytest.mark.parametrize(("query", "filters", "options"), AGREEMENT_QUERIES)
def test_both_engines_agree_on_totals_facets_and_hits(both: dict[str, TextIndex], query: str,
                                                      filters: SearchFilters, options: dict[str, object]) -> None:
    results = {name: ix.search(query, filters, limit=100, **options) for name, ix in both.items()}  # type: ignore[arg-type]
    whoosh = results["whoosh"]
    assert set(whoosh.facets) == set(FACET_FIELDS)
    as_set = lambda r: {(h.meeting_id, h.item_id, h.section, h.position) for h in r.hits}  # noqa: E731
    for name in ENGINES[1:]:
        other = results[name]
        assert whoosh.total == other.total, name
        assert whoosh.facets == other.facets, name
        assert as_set(whoosh) == as_set(other), name
        if options.get("sort"):
            assert [h.date for h in whoosh.hits] == [h.date for h in other.hits], name
