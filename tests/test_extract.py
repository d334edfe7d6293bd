"""Text layer extraction with layout (pypdfium2) on born-digital and real PDFs."""
from __future__ import annotations

from pathlib import Path

from pipeline.extract import read_text_layer, visible_chars
from pipeline.pdf import open_pdf


def _pages(path: Path):  # noqa: ANN202
    pdf = open_pdf(path)
    try:
        return read_text_layer(pdf)
    finally:
        pdf.close()


def test_born_digital_fixture_has_text_and_danish_letters(fixtures_dir: Path) -> None:
    pages = _pages(fixtures_dir / "pdf" / "000.pdf")
    text = "\n".join(p.text for p in pages)
    assert "Fordeling af lærepladser på SOSU-uddannelserne for 2027" in text
    assert all(p.source == "text" for p in pages)
    assert not any(p.has_image for p in pages)


def test_headings_are_bold_and_larger_than_body(fixtures_dir: Path) -> None:
    pages = _pages(fixtures_dir / "real" / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf")
    lines = [line for p in pages for line in p.lines if line.text.strip()]
    title = next(line for line in lines if line.text.strip() == "715. Kulturkommune 2017. Politiske fokusområder")
    body = next(line for line in lines if line.text.startswith("Kulturafdelingen har"))
    assert title.bold and not body.bold
    assert title.size > body.size
    assert title.page == 3 and title.top is not None and title.gap_before is not None


def test_scanned_pages_have_image_and_no_text(fixtures_dir: Path) -> None:
    pages = _pages(fixtures_dir / "pdf" / "003-scan-p1-4.pdf")
    assert len(pages) == 4
    assert all(p.has_image and visible_chars(p.text) == 0 for p in pages)


def test_malformed_ballerup_pdf_still_gives_all_text(fixtures_dir: Path) -> None:
    """poppler prints 20 syntax errors for this generator's PDFs; pdfium must still read every page."""
    pages = _pages(fixtures_dir / "real" / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf")
    assert len(pages) == 15
    text = "\n".join(p.text for p in pages)
    assert "Takstreduktion på aflastningstilbuddet Torvevej" in text
    assert sum(visible_chars(p.text) > 100 for p in pages) >= 13
