"""Real Tesseract OCR (slow: a few pages only)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import MissingDependencyError
from pipeline.ocr import OcrEngine, check_tesseract, tsv_lines
from pipeline.pdf import open_pdf

pytestmark = pytest.mark.slow


def test_danish_ocr_of_a_scanned_page_keeps_æøå(fixtures_dir: Path) -> None:
    pdf = open_pdf(fixtures_dir / "pdf" / "003-scan-p1-4.pdf")
    lines = OcrEngine(language="dan", dpi=300, workers=2).ocr_pages(pdf, [1])[1]
    pdf.close()
    text = " ".join(line.text for line in lines)
    assert "kommunernes fælles interesser" in text
    assert "opgaveløsningen" in text
    assert all(line.page == 1 for line in lines)


def test_sideways_scan_is_turned_upright(fixtures_dir: Path) -> None:
    """The Ballerup building list is scanned landscape with /Rotate 270: OCR must still read it."""
    pdf = open_pdf(fixtures_dir / "real" / "dk_ballerup_bygningsliste_SCANNED_p1-2.pdf")
    lines = OcrEngine(language="dan", dpi=300, workers=1).ocr_pages(pdf, [1])[1]
    pdf.close()
    text = " ".join(line.text for line in lines)
    assert "Ejendomsoversigt" in text
    assert "Ballerup" in text


def test_missing_language_model_says_how_to_install() -> None:
    with pytest.raises(MissingDependencyError) as caught:
        check_tesseract("xyz")
    assert "apt-get install tesseract-ocr-xyz" in str(caught.value)


def test_tsv_lines_inserts_paragraph_breaks() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t100\t50\t30\t96\tBaggrund\n",
        "5\t1\t1\t2\t1\t1\t10\t200\t50\t30\t96\tReferat\n",
        "5\t1\t1\t2\t1\t2\t70\t200\t50\t30\t96\taf\n",
    ]
    lines = tsv_lines(header + "".join(rows), page_number=3, dpi=300)
    assert [line.text for line in lines] == ["Baggrund", "", "Referat af"]
    assert lines[2].top == pytest.approx(48.0) and lines[2].gap_before == pytest.approx(16.8)
