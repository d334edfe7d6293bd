"""Other templates from real PDFs (Aarhus FirstAgenda, Ballerup eDoc, Syddjurs Acadre) and the fixture PDFs,
read with the lead's pypdfium2 extractor, checked against hand-made expectations."""
from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers import parse_document
from parsers.model import Line, Meeting
from pipeline.extract import read_text_layer

REAL = Path("/work/shared/corpus/real")
FIXTURES = Path(__file__).parent.parent / "fixtures" / "pdf"
EXPECTED = json.loads((Path(__file__).parent / "data" / "parse" / "expected_real.json").read_text(encoding="utf-8"))


def parse_pdf(path: Path) -> Meeting:
    lines: list[Line] = [line for page in read_text_layer(pdfium.PdfDocument(path)) for line in page.lines]
    return parse_document(lines, path.name)


@pytest.mark.parametrize("name", [k for k in EXPECTED if not k.startswith("_")])
def test_real_referat_matches_hand_checked_items(name: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip("real corpus not present")
    meeting = parse_pdf(path)
    want = EXPECTED[name]
    assert (meeting.kind, meeting.date, meeting.start_time) == (want["kind"], want["date"], want["start_time"])
    assert len(meeting.items) == want.get("item_count", len(want["items"]))
    found = {i.number: i for i in meeting.items}
    for expected in want["items"]:
        got = found[expected["number"]]
        assert got.title == expected["title"]
        if "case_number" in expected:
            assert got.case_number == expected["case_number"]
        if "decisions" in expected:
            assert sum(s.name == "Beslutning" for s in got.sections) == expected["decisions"]
        assert got.closed == expected.get("closed", False)


def test_dated_decisions_are_separate_sections() -> None:
    path = REAL / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf"
    if not path.exists():
        pytest.skip("real corpus not present")
    decisions = [s for s in parse_pdf(path).items[0].sections if s.name == "Beslutning"]
    assert [d.heading[-10:] for d in decisions] == ["10-04-2013", "24-04-2013", "20-06-2013"]
    assert decisions[1].text.startswith("Punktet genoptages.")


def test_running_header_and_page_stamps_stripped() -> None:
    path = REAL / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf"
    if not path.exists():
        pytest.skip("real corpus not present")
    text = " ".join(s.text for s in parse_pdf(path).items[0].sections)
    assert " of 5" not in text and "Referat For Udvalget" not in text
    assert "Underskriftsside" not in text


def test_ballerup_decision_heading_and_sammendrag() -> None:
    path = REAL / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"
    if not path.exists():
        pytest.skip("real corpus not present")
    first, second = parse_pdf(path).items[:2]
    assert next(s for s in first.sections if s.name == "Beslutning").text.startswith("Taget til efterretning")
    names = [s.name for s in second.sections]
    assert names[:3] == ["Resumé", "Baggrund", "Sagsfremstilling"]
    assert "Økonomiske konsekvenser og finansiering" in names  # a template heading kept under its own name
    sagsfremstilling = next(s for s in second.sections if s.name == "Sagsfremstilling")
    assert "Centralisering af ejendomsdriften" in sagsfremstilling.text  # topic sub-heading stays body text


def test_aarhus_attachment_named_indstilling_is_not_a_section() -> None:
    path = REAL / "dk_aarhus_byraad_2025-08-27_referat.pdf"
    if not path.exists():
        pytest.skip("real corpus not present")
    second = parse_pdf(path).items[1]
    assert second.attachments[:2] == ("Indstilling", "Bilag 1: Beslutningsforslag")
    assert [s.name for s in second.sections if s.name == "Indstilling"] == ["Indstilling"]


@pytest.mark.parametrize("name", ["dk_aarhus_byraad_2025-08-26_bilag_email-havnens-perle.pdf",
                                  "dk_aarhus_sundhed-omsorg_2025-08-29_bilag_sager-paa-vej.pdf",
                                  "dk_kkr-hovedstaden_2012_invitation_dialogmoede-2013-01-23.pdf"])
def test_attachments_and_letters_have_no_items(name: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip("real corpus not present")
    meeting = parse_pdf(path)
    assert meeting.items == () and meeting.kind in ("bilag", "andet")


def test_fixture_pdf_with_layout_numbers_ocr_items() -> None:
    path = FIXTURES / "001.pdf"
    if not path.exists():
        pytest.skip("fixture PDFs not generated")
    meeting = parse_pdf(path)  # running header 'KKR Hovedstaden | 02-09-2025' and 'SIDE | N' footer on every page
    assert [i.number for i in meeting.items][-3:] == ["3.9", "3.10", "4.1"]
    assert meeting.items[2].title == "Siden sidst" and meeting.items[2].heading == "Siden sidst"
    assert not any("SIDE |" in s.text or "02-09-2025" in s.text for i in meeting.items for s in i.sections)
