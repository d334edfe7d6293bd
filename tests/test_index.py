"""The full-text index on real meeting text: a real Whoosh index in a temporary folder.

Sections are cut crudely from the seed texts by their `3.7.`-style item headings and the canonical section
headings; seed 001 (English OCR of a Danish text) is repaired with the hand-made gold repair pairs so that
its raw text keeps the damaged spellings (`mgde`) and its text has the real ones (`møde`).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import QuerySyntaxError, SearchFilters, SearchIndex, SectionDoc, open_index
from index.query import And, Not, Or, Phrase, Word, parse_query
from parsers.normalize import join_lines

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.is_dir():
    SHARED = Path("/work/shared")
SEEDS = SHARED / "seeds"
SECTION_NAMES = ("Baggrund", "Indstilling", "Sagsfremstilling", "Beslutning", "Bilag")
ITEM_RE = re.compile(r"^\s*(\d{1,2}\.\d{1,2})\.?\s+([A-ZÆØÅ].*)$")
TOC_RE = re.compile(r"^(\d+\.\d+)\.\s*\t.*?(\d+)\s*$")
CASE_RE = re.compile(r"^SAG-\d{4}-\d+")
WORD_RE = re.compile(r"[^\W_]+")


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def repair_pairs() -> dict[str, str]:
    pairs = json.loads((SHARED / "gold" / "001_repairs.json").read_text(encoding="utf-8"))
    return {p["ocr"]: p["correct"] for p in pairs}


def repair(text: str, pairs: dict[str, str]) -> str:
    return WORD_RE.sub(lambda m: pairs.get(m.group(), m.group()), text)


def split_seed(path: Path, meeting_id: str, date: str | None, kind: str, body: str,
               pairs: dict[str, str] | None = None) -> list[SectionDoc]:
    """Cut a seed text into one SectionDoc per (item, section heading); pages from the table of contents."""
    lines = path.read_text(encoding="utf-8").splitlines()
    toc_pages = {m.group(1): int(m.group(2)) for m in map(TOC_RE.match, lines) if m}
    docs: list[SectionDoc] = []
    item: tuple[str, str] | None = None
    case: str | None = None
    section: str | None = None
    buf: list[str] = []

    def flush() -> None:
        raw = join_lines([ln.strip() for ln in buf if ln.strip()])
        if item and section and raw:
            text = repair(raw, pairs) if pairs else raw
            docs.append(SectionDoc(meeting_id=meeting_id, date=date, kind=kind, body=body, item_number=item[0],
                                   item_title=item[1], case_number=case, section=section, position=len(docs),
                                   page=toc_pages.get(item[0]), text=text, raw_text=raw if pairs else ""))
        buf.clear()

    for line in lines:
        if TOC_RE.match(line):
            continue
        if (m := ITEM_RE.match(line)) and len(m.group(2)) < 120:
            flush()
            title = m.group(2).strip()
            item, case, section = (m.group(1), repair(title, pairs) if pairs else title), None, None
        elif line.strip() in SECTION_NAMES and item:
            flush()
            section = line.strip()
        elif CASE_RE.match(line.strip()) and item and section is None:
            case = line.strip().split()[0]
        else:
            buf.append(line)
    flush()
    return docs


@pytest.fixture(scope="module")
def docs() -> dict[str, list[SectionDoc]]:
    return {
        "agenda2026": split_seed(seed("000"), "kkr-h-2026-06-16", "2026-06-16", "dagsorden", "KKR Hovedstaden"),
        "minutes2025": split_seed(seed("001"), "kkr-h-2025-09-02", "2025-09-02", "referat", "KKR Hovedstaden",
                                  pairs=repair_pairs()),
        "agenda2025": split_seed(seed("002"), "kkr-x-2025", None, "dagsorden", "KKR Sjælland"),
    }


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, docs: dict[str, list[SectionDoc]]) -> Iterator[SearchIndex]:
    ix = SearchIndex.open(tmp_path_factory.mktemp("ix") / "index")
    for meeting in docs.values():
        ix.add(meeting)
    yield ix
    ix.close()


def test_seed_split_gives_realistic_sections(docs: dict[str, list[SectionDoc]]) -> None:
    agenda = docs["agenda2026"]
    assert len({d.item_number for d in agenda}) >= 13
    sosu = [d for d in agenda if d.item_number == "3.7"]
    assert {d.section for d in sosu} >= {"Baggrund", "Indstilling", "Sagsfremstilling"}
    assert all(d.page == 24 for d in sosu)


@pytest.mark.parametrize("query", ["læreplads", "lærepladser", "laerepladser", "LÆREPLADSER"])
def test_three_spellings_of_laereplads_put_the_sosu_item_on_top(index: SearchIndex, query: str) -> None:
    result = index.search(query, SearchFilters(), limit=5, per_item=True)
    top = result.hits[0]
    assert (top.meeting_id, top.item_number) == ("kkr-h-2026-06-16", "3.7"), [h.item_title for h in result.hits]
    assert "SOSU" in (top.item_title or "")
    assert re.search(r"\[\[[Ll]æreplads\w*\]\]", top.snippet), top.snippet


def test_spellings_find_the_same_sections(index: SearchIndex) -> None:
    keys = [{(h.meeting_id, h.position) for h in index.search(q, SearchFilters(), limit=200).hits}
            for q in ("læreplads", "lærepladser", "laerepladser")]
    assert keys[0] == keys[1] == keys[2]
    assert len(keys[0]) >= 3


def test_stemming_joins_compound_inflections(index: SearchIndex) -> None:
    texts = [h.snippet for h in index.search("sundhedsråd", SearchFilters(), limit=50).hits]
    assert any("[[sundhedsrådene]]" in s for s in texts), texts


def test_prefix_star_reaches_longer_compounds(index: SearchIndex) -> None:
    assert index.search("sundhedsrådsm", SearchFilters()).total == 0
    prefixed = index.search("sundhedsrådsm*", SearchFilters(), limit=100)
    assert prefixed.total > 0
    assert any("[[sundhedsrådsmedlemmer]]" in h.snippet for h in prefixed.hits)


def test_prefix_is_cut_back_to_the_stem(index: SearchIndex) -> None:
    plain = index.search("lærepladser", SearchFilters(), limit=100).total
    assert index.search("læreplads*", SearchFilters(), limit=100).total >= plain > 0
    assert index.search("laereplads*", SearchFilters(), limit=100).total >= plain


def test_phrase_beats_scattered_words(tmp_path: Path) -> None:
    common = {"date": "2025-01-01", "kind": "referat", "body": "Udvalget", "item_number": "1",
              "case_number": None, "section": "Sagsfremstilling", "page": 1}
    scattered = SectionDoc(meeting_id="m1", item_title="Ældreområdet", position=0, **common,
                           text="Fordeling af midler til ældre. Kommunerne ønsker flere lærepladser og en ny "
                                "fordeling af opgaverne mellem regionen og kommunerne om lærepladser.")
    adjacent = SectionDoc(meeting_id="m2", item_title="Uddannelse", position=0, **common,
                          text="Udvalget drøftede fordeling af lærepladser mellem kommunerne i regionen.")
    with SearchIndex.open(tmp_path / "ix") as ix:
        ix.add([scattered])
        ix.add([adjacent])
        words = ix.search("fordeling lærepladser", SearchFilters())
        assert [h.meeting_id for h in words.hits] == ["m2", "m1"]
        phrase = ix.search('"fordeling af lærepladser"', SearchFilters())
        assert [h.meeting_id for h in phrase.hits] == ["m2"]
        assert "[[fordeling]] af [[lærepladser]]" in phrase.hits[0].snippet


def test_phrase_query_needs_the_words_in_order(index: SearchIndex, docs: dict[str, list[SectionDoc]]) -> None:
    by_key = {(d.meeting_id, d.position): d for meeting in docs.values() for d in meeting}
    phrase = index.search('"fordeling af flygtninge"', SearchFilters(), limit=100)
    both = index.search("fordeling flygtninge", SearchFilters(), limit=100)
    assert 0 < phrase.total < both.total
    for hit in phrase.hits:  # in the item title or in the section text
        doc = by_key[(hit.meeting_id, hit.position)]
        assert re.search(r"fordeling af flygtning", f"{doc.item_title}\n{doc.text}".lower())


def test_section_filter_restricts_hits_and_facets(index: SearchIndex) -> None:
    result = index.search("kommunerne", SearchFilters(section="indstilling"), limit=100)
    assert result.total > 0
    assert {h.section for h in result.hits} == {"Indstilling"}
    assert result.facets["section"] == {"Indstilling": result.total}


def test_date_filter_restricts_and_leaves_out_undated(index: SearchIndex) -> None:
    everything = index.search("kommunerne", SearchFilters(), limit=1000)
    assert set(everything.facets["kind"]) == {"dagsorden", "referat"}
    only_2026 = index.search("kommunerne", SearchFilters(date_from="2026-01-01"), limit=1000)
    assert only_2026.total > 0 and {h.date for h in only_2026.hits} == {"2026-06-16"}
    only_2025 = index.search("kommunerne", SearchFilters(date_from="2025-09-02", date_to="2025-09-02"), limit=1000)
    assert {h.meeting_id for h in only_2025.hits} == {"kkr-h-2025-09-02"}
    undated = sum(1 for h in everything.hits if h.date is None)
    assert undated > 0
    assert everything.total == only_2026.total + only_2025.total + undated


def test_kind_body_and_case_filters(index: SearchIndex, docs: dict[str, list[SectionDoc]]) -> None:
    referat = index.search("kommunerne", SearchFilters(kind="Referat"), limit=1000)
    assert referat.total > 0 and {h.kind for h in referat.hits} == {"referat"}
    sjaelland = index.search("kommunerne", SearchFilters(body="sjælland"), limit=1000)
    assert sjaelland.total > 0 and {h.body for h in sjaelland.hits} == {"KKR Sjælland"}
    case = next(d.case_number for d in docs["agenda2026"] if d.item_number == "3.7")
    by_case = index.search("lærepladser", SearchFilters(case_number=case.lower()), limit=100)
    assert by_case.total > 0 and {h.case_number for h in by_case.hits} == {case}


def test_facets_count_matching_sections(index: SearchIndex, docs: dict[str, list[SectionDoc]]) -> None:
    result = index.search("lærepladser", SearchFilters(), limit=1000)
    assert result.total == len(result.hits)
    expected_sections = Counter(h.section for h in result.hits)
    assert result.facets["section"] == dict(expected_sections)
    assert sum(result.facets["kind"].values()) == result.total
    assert result.facets["year"] == dict(Counter(h.date[:4] for h in result.hits if h.date))
    assert result.facets["body"] == dict(Counter(h.body for h in result.hits if h.body))


def test_damaged_raw_spelling_is_found(index: SearchIndex, docs: dict[str, list[SectionDoc]]) -> None:
    minutes = docs["minutes2025"]
    assert not any("mgde" in d.text for d in minutes) and any("mgde" in d.raw_text for d in minutes)
    damaged = index.search("mgde", SearchFilters(), limit=50)
    assert damaged.total > 0
    assert {h.meeting_id for h in damaged.hits} == {"kkr-h-2025-09-02"}
    assert any("[[mgde]]" in h.snippet for h in damaged.hits)
    repaired = index.search("møde", SearchFilters(), limit=200)
    first = next(h for h in damaged.hits)
    assert first.score < max(h.score for h in repaired.hits)  # raw text weighs less than repaired text


def test_title_match_outranks_body_match(index: SearchIndex) -> None:
    result = index.search("flygtninge", SearchFilters(), limit=10, per_item=True)
    assert "flygtninge" in (result.hits[0].item_title or "").lower()


def test_or_and_not(index: SearchIndex) -> None:
    a = index.search("lærepladser", SearchFilters(), limit=1000).total
    b = index.search("flygtninge", SearchFilters(), limit=1000).total
    both = index.search("lærepladser flygtninge", SearchFilters(), limit=1000).total
    either = index.search("lærepladser OR flygtninge", SearchFilters(), limit=1000).total
    assert either == a + b - both
    for query in ("lærepladser -flygtninge", "lærepladser NOT flygtninge", "lærepladser AND NOT flygtninge"):
        assert index.search(query, SearchFilters(), limit=1000).total == a - both


def test_per_item_gives_one_hit_per_item(index: SearchIndex) -> None:
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


def test_field_filters_in_the_query(index: SearchIndex) -> None:
    in_query = index.search("kommunerne section:Beslutning year:2025", SearchFilters(), limit=1000)
    as_filter = index.search("kommunerne", SearchFilters(section="Beslutning", date_from="2025-01-01",
                                                         date_to="2025-12-31"), limit=1000)
    assert in_query.total == as_filter.total > 0
    title_only = index.search("title:flygtninge", SearchFilters(), limit=100, per_item=True)
    assert title_only.total > 0 and all("flygtninge" in (h.item_title or "").lower() for h in title_only.hits)


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_readding_a_meeting_replaces_its_sections(tmp_path: Path, docs: dict[str, list[SectionDoc]],
                                                  engine: str) -> None:
    meeting = docs["agenda2026"]
    with open_index(tmp_path / "ix", engine) as ix:
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
    with open_index(tmp_path / "ix", engine) as reopened:
        assert reopened.count() == 0
        reopened.add(meeting[:3])
    assert open_index(tmp_path / "ix", engine).count() == 3  # committed to disk, not only in memory


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
def test_bad_queries_raise_a_clear_syntax_error(index: SearchIndex, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=re.escape(message)):
        index.search(query, SearchFilters())


def test_bad_filter_date_is_a_syntax_error(index: SearchIndex) -> None:
    with pytest.raises(QuerySyntaxError, match="ISO date"):
        index.search("kommunerne", SearchFilters(date_from="2. september 2025"))


def test_parser_tree_shapes() -> None:
    assert parse_query('a1 OR "b c" -d') == Or((Word("a1"), And((Phrase("b c"), Not(Word("d"))))))
    assert parse_query("sundhedsråd* title:budget") == And((Word("sundhedsråd", prefix=True),
                                                            Word("budget", "title")))
    assert parse_query("SOSU-uddannelserne") == Word("SOSU-uddannelserne")  # inner hyphen is no NOT
