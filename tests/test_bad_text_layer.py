"""A scan whose text layer an English-model OCR wrote is detected and OCR'd again with the Danish model."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers.document import parse_document
from parsers.repair import Repairer
from pipeline import steps
from pipeline.extract import read_text_layer
from pipeline.ocr import OcrEngine
from pipeline.pdf import open_pdf
from tests.conftest import FIXTURES

ENG_OCR = FIXTURES / "pdf" / "003-eng-ocr.pdf"  # 6 pages of seed 003: page images + `tesseract -l eng` text layer


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer.load()


def _pages(path: Path, repairer: Repairer, engine: OcrEngine | None):  # noqa: ANN202
    pdf = open_pdf(path)
    try:
        pages = read_text_layer(pdf)
        damaged = steps.damaged_pages(pages, repairer)
        if engine is not None:
            pages = steps.ocr(pdf, pages, steps.pages_to_ocr(pages, damaged, 25), engine)
    finally:
        pdf.close()
    return steps.repair(pages, damaged, repairer)


def test_every_page_of_an_english_ocr_layer_is_flagged(repairer: Repairer) -> None:
    pdf = open_pdf(ENG_OCR)
    pages = read_text_layer(pdf)
    pdf.close()
    assert all(p.has_image and p.text.strip() for p in pages)
    assert steps.damaged_pages(pages, repairer) == frozenset(range(1, len(pages) + 1))


def test_clean_born_digital_pages_are_not_flagged(repairer: Repairer) -> None:
    for name in ("000.pdf", "002.pdf", "004.pdf"):
        pdf = open_pdf(FIXTURES / "pdf" / name)
        pages = read_text_layer(pdf)
        pdf.close()
        assert steps.damaged_pages(pages, repairer) == frozenset(), name


def test_text_only_damage_is_repaired_not_ocrd(repairer: Repairer) -> None:
    """001 is a born-digital PDF of a damaged text: no image to OCR, so its pages are repaired in place."""
    pages = _pages(FIXTURES / "pdf" / "001.pdf", repairer, engine=None)
    assert all(p.source == "repaired" for p in pages if p.text.strip())
    text = "\n".join(p.text for p in pages)
    assert "Østdanmark" in text and "@stdanmark" not in text
    assert sum(p.repairs for p in pages) > 500
    assert any("mgde" in p.raw_text for p in pages)  # the damaged text is kept beside the repaired one


@pytest.mark.slow
def test_english_ocr_scan_is_reocrd_and_parses_like_the_born_digital_pages(repairer: Repairer, tmp_path: Path) -> None:
    source = pdfium.PdfDocument(FIXTURES / "pdf" / "003.pdf")
    first_pages = pdfium.PdfDocument.new()
    first_pages.import_pages(source, list(range(6)))
    born_digital = tmp_path / "003-p1-6.pdf"
    first_pages.save(born_digital)

    scanned = _pages(ENG_OCR, repairer, OcrEngine(language="dan", dpi=300, workers=2))
    assert [p.source for p in scanned] == ["ocr"] * 6
    assert "møde" in "\n".join(p.text for p in scanned)
    assert "pa " in "\n".join(p.raw_text for p in scanned)  # the English layer is kept as the raw text

    got = parse_document(steps.document_lines(scanned), ENG_OCR.name)
    want = parse_document(steps.document_lines(_pages(born_digital, repairer, None)), born_digital.name)
    assert want.items, "the born-digital pages must have items to compare with"
    got_items = {i.number: i.title for i in got.items}
    want_items = {i.number: i.title for i in want.items}
    matched = set(got_items) & set(want_items)
    f1 = 2 * len(matched) / (len(got_items) + len(want_items))
    assert f1 >= 0.98, (got_items, want_items)
    assert all(got_items[n] == want_items[n] for n in matched)
    # Seed 003 lost its header: on pages 1-6 its only date is in item 1's sentence 'dagsordenen for møde den 11.
    # april 2025'. The date comes from what the document states as its own (page footer, dated decision heading),
    # never from a sentence in an item (issue 8): both slices have none (the whole PDF's footer gives it).
    assert got.body == want.body and got.kind == want.kind
    assert got.date == want.date is None
