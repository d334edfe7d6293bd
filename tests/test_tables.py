"""Ruled tables are kept as rows (pipeline/tables.py) instead of being scrambled into section text.

Real PDFs: a Word table of cases (Aarhus), an eDoc referat with a two-page ruled budget table and borderless
layout tables (Ballerup), and fixtures/pdf/table-sosu-fordeling.pdf, seed 000's item 3.7 with its two tables
drawn as ruled fpdf2 tables (fixtures/make_table_fixture.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from parsers.document import parse_document
from parsers.model import Item, Line, Meeting, Page
from pipeline import steps
from pipeline.extract import read_text_layer
from pipeline.ingest import parse
from pipeline.pdf import open_pdf
from pipeline.tables import (
    FoundTable,
    align_columns,
    attach_tables,
    clean_rows,
    drop_table_lines,
    find_tables,
    ruled_pages,
)
from tests.conftest import FIXTURES, ROOT, shared_or_skip

AARHUS_CASES = FIXTURES / "real" / "dk_aarhus_sundhed-omsorg_2025-08-29_bilag_sager-paa-vej.pdf"
BALLERUP = FIXTURES / "real" / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"
SOSU = FIXTURES / "pdf" / "table-sosu-fordeling.pdf"


def read_pages(path: Path) -> list[Page]:
    pdf = open_pdf(path)
    try:
        return read_text_layer(pdf)
    finally:
        pdf.close()


def section_texts(meeting: Meeting) -> list[str]:
    return [s.text for item in meeting.items for s in item.sections]


def seed_tables(item_number: str) -> list[tuple[tuple[str, ...], ...]]:
    """The tab-separated tables of one item of seed 000, as rows of stripped cells."""
    seed = next(shared_or_skip("seeds").glob("000_*.txt"))
    lines = seed.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{item_number}. ") and "\t" not in line)
    tables: list[list[tuple[str, ...]]] = []
    previous_tabbed = False
    for line in lines[start + 1:]:
        if line[:1].isdigit() and line.split(" ")[0].count(".") == 2 and "\t" not in line:
            break  # the next item's heading
        tabbed = "\t" in line
        if tabbed:
            if not previous_tabbed:
                tables.append([])
            tables[-1].append(tuple(cell.strip() for cell in line.split("\t")))
        previous_tabbed = tabbed
    return [tuple(t) for t in tables if len(t) >= 2]


# ---------------------------------------------------------------- finding tables on real PDFs


def test_word_table_of_cases_is_found_as_three_columns_with_headers_above_their_columns() -> None:
    pages = read_pages(AARHUS_CASES)
    tables = find_tables(AARHUS_CASES, pages)
    assert [t.page for t in tables] == [1, 2, 3, 4]
    assert all(len(row) == 3 for t in tables for row in t.rows)
    assert ("Sag", "Afd.", "Til politisk behandling") in tables[0].rows  # padding cells would shift 'Sag' right
    assert ("Salg af Saksild Strand", "Sundhedsstaben", "Vedtaget Byrådet 12. oktober") in tables[3].rows


def test_table_cells_hold_the_words_of_the_page_text_layer() -> None:
    pages = read_pages(AARHUS_CASES)
    for table in find_tables(AARHUS_CASES, pages):
        page_words = set(pages[table.page - 1].text.split())
        cell_words = {word for row in table.rows for cell in row for word in cell.split()}
        assert cell_words, "a found table has text"
        assert cell_words <= page_words, sorted(cell_words - page_words)[:10]


def test_borderless_layout_tables_stay_text_and_ruled_budget_table_is_found() -> None:
    """eDoc draws the 'A) ... godkendes.' proposals in white-filled cells: text, not a table."""
    pages = read_pages(BALLERUP)
    tables = find_tables(BALLERUP, pages)
    assert [t.page for t in tables] == [11, 12]
    assert tables[0].rows[0] == ("Indsatsområde i Ballerup Kommune", "Afsatte midler i 2013")
    assert tables[1].rows[-1] == ("I alt", "2.890.000 kr.")
    assert not any(cell.startswith(("A)", "B)", "a.")) for t in tables for row in t.rows for cell in row)


def test_pages_without_rules_are_not_opened_with_pdfplumber() -> None:
    pages = read_pages(BALLERUP)
    chosen = ruled_pages(pages)
    assert {11, 12} <= set(chosen)
    assert 1 not in chosen and 9 not in chosen  # cover page and a page of prose have no path objects
    seed_pdf = FIXTURES / "pdf" / "000.pdf"
    assert ruled_pages(read_pages(seed_pdf)) == []


def test_only_text_layer_pages_are_searched() -> None:
    pages = read_pages(AARHUS_CASES)
    as_ocr = [Page(number=p.number, text=p.text, source="ocr", lines=p.lines) for p in pages]
    assert find_tables(AARHUS_CASES, as_ocr) == []


def test_sosu_tables_have_the_seed_rows() -> None:
    expected = seed_tables("3.7")
    assert len(expected) == 2
    tables = find_tables(SOSU, read_pages(SOSU))
    assert [t.rows for t in tables] == [clean_rows(rows) for rows in expected]
    assert [len(t.rows[0]) for t in tables] == [5, 4]


# ---------------------------------------------------------------- cells out of the text, tables into items


def test_table_cells_are_not_scrambled_into_section_text() -> None:
    pages = read_pages(SOSU)
    tables = find_tables(SOSU, pages)
    row_texts = [" ".join(cell for cell in row if cell) for t in tables for row in t.rows[2:]]
    before = parse_document(steps.document_lines(pages), SOSU.name)
    assert any(row in text for row in row_texts for text in section_texts(before)), "the check must bite"
    after = parse(SOSU, pages, tables)
    assert [i.number for i in after.items] == [i.number for i in before.items]
    assert not [row for row in row_texts for text in section_texts(after) if row in text]


def test_tables_go_to_the_item_they_lie_in() -> None:
    pages = read_pages(SOSU)
    meeting = parse(SOSU, pages, find_tables(SOSU, pages))
    by_number = {item.number: item for item in meeting.items}
    assert [len(t.rows) for t in by_number["3.7"].tables] == [8, 7]
    assert by_number["3.8"].tables == ()
    assert meeting.tables == ()


def test_table_on_the_page_where_the_next_item_starts_stays_with_the_item_before() -> None:
    pages = read_pages(BALLERUP)
    meeting = parse(BALLERUP, pages, find_tables(BALLERUP, pages))
    owners = {item.number: [t.page for t in item.tables] for item in meeting.items if item.tables}
    assert owners == {"6": [11, 12]}
    next_item = next(i for i in meeting.items if i.number == "7")
    assert next_item.page_start == 12
    indstilling = next(s.text for s in meeting.items[1].sections if s.name == "Indstilling")
    assert "A) De foreslåede arbejder for bygningsvedligeholdelse 2013" in indstilling


def test_tables_of_a_document_without_items_are_meeting_tables() -> None:
    pages = read_pages(AARHUS_CASES)
    tables = find_tables(AARHUS_CASES, pages)
    meeting = parse(AARHUS_CASES, pages, tables)
    assert meeting.items == ()
    assert [t.rows for t in meeting.tables] == [t.rows for t in tables]


def test_drop_table_lines_keeps_lines_above_and_below_and_the_page_text() -> None:
    pages = read_pages(BALLERUP)
    table = find_tables(BALLERUP, pages)[1]  # page 12: running header above, sections below
    page = pages[table.page - 1]
    kept = drop_table_lines(pages, [table])[table.page - 1]
    removed = [line for line in page.lines if line not in kept.lines]
    assert removed and all(table.top <= line.top <= table.bottom for line in removed)
    assert any(line.top is not None and line.top < table.top for line in kept.lines)
    assert any(line.top is not None and line.top > table.bottom for line in kept.lines)
    assert kept.text == page.text


# ---------------------------------------------------------------- the cell grid


def test_header_padding_cells_do_not_make_extra_columns() -> None:
    """Word gives header rows thin padding cells: 'Sag' starts 6 pt right of the body cells under it."""
    texts = [["", "Sag", "", "", "Afd.", "", "", "Frist", ""],
             ["Budget 2026", None, None, "Økonomi", None, None, "Juni", None, None]]
    lefts = [[85, 91, 420, 426, 431, 539, 544, 550, 759],
             [85, None, None, 426, None, None, 544, None, None]]
    assert align_columns(texts, lefts) == [["Sag", "Afd.", "Frist"], ["Budget 2026", "Økonomi", "Juni"]]


def test_vote_columns_that_are_never_both_filled_stay_apart() -> None:
    texts = [["Parti", "For", "Imod"], ["A", "X", ""], ["V", "", "X"]]
    lefts = [[50, 200, 260], [50, 200, 260], [50, 200, 260]]
    assert clean_rows(align_columns(texts, lefts)) == (("Parti", "For", "Imod"), ("A", "X", ""), ("V", "", "X"))


def test_single_row_or_column_is_not_a_table() -> None:
    assert clean_rows([["", None], ["  ", ""]]) == ()
    assert clean_rows([["Overskrift\nmed to linjer", None]]) == (("Overskrift med to linjer",),)


def test_attach_tables_uses_the_item_title_line_on_a_shared_page() -> None:
    items = (Item(number="1", title="Første sag", page_start=1, page_end=2),
             Item(number="2", title="Anden sag", page_start=2, page_end=2))
    meeting = Meeting(kind="referat", items=items)
    tables = [FoundTable(2, 100.0, 150.0, (("a", "b"), ("c", "d"))), FoundTable(1, 5.0, 50.0, (("e", "f"),))]
    unknown = attach_tables(meeting, tables, [])
    assert [[t.page for t in i.tables] for i in unknown.items] == [[1], [2]]  # item 2 taken to start at the top
    page2 = Page(number=2, text="", lines=(Line("2. Anden sag", page=2, top=400.0),))
    placed = attach_tables(meeting, tables, [page2])
    assert [[t.page for t in i.tables] for i in placed.items] == [[1, 2], []]


# ---------------------------------------------------------------- through the CLI


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_cli_export_has_the_tables_under_their_item(tmp_path: Path) -> None:
    expected = [[list(row) for row in clean_rows(rows)] for rows in seed_tables("3.7")]
    home = tmp_path / "home"
    ingest = run(home, "ingest", str(SOSU))
    assert ingest.returncode == 0, ingest.stderr
    out = tmp_path / "out"
    export = run(home, "export", "--all", "--out", str(out))
    assert export.returncode == 0, export.stderr
    [written] = list(out.glob("*.json"))
    data = json.loads(written.read_text(encoding="utf-8"))
    items = {item["number"]: item for item in data["items"]}
    assert [t["rows"] for t in items["3.7"]["tables"]] == expected
    assert all(t["page"] == 2 for t in items["3.7"]["tables"])
    assert items["3.8"]["tables"] == [] and data["tables"] == []
    texts = [s["text"] for item in data["items"] for s in item["sections"]]
    assert not [row for table in expected for row in table[2:] if any(" ".join(row) in t for t in texts)]


def test_table_cells_stay_searchable_after_leaving_the_section_text(tmp_path: Path) -> None:
    """Cells taken out of the section text are indexed as the item's `Tabel` record."""
    root = Path(__file__).resolve().parents[1]
    home = tmp_path / "home"
    cli = [sys.executable, str(root / "cli.py"), "--quiet", "--home", str(home)]
    subprocess.run([*cli, "ingest", str(root / "fixtures" / "pdf" / "table-sosu-fordeling.pdf")], check=True,
                   capture_output=True)
    proc = subprocess.run([*cli, "search", "Dimensionering", "--section", "Tabel", "--json"], check=True,
                          capture_output=True, text=True)
    hits = json.loads(proc.stdout)["hits"]
    assert hits and all(h["section"] == "Tabel" and h["item_number"] == "3.7" for h in hits)
