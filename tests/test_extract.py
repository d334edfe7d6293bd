"""Text layer extraction with layout (pypdfium2) on born-digital and real PDFs."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from pipeline.extract import RULE_SEGMENT_CAP, drawn_objects, read_text_layer, visible_chars
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


def _walked(page: pdfium.PdfPage) -> tuple[bool, int]:
    """What pypdfium2's own object walks say (the reference drawn_objects must equal)."""
    segments = sum(max(pdfium_c.FPDFPath_CountSegments(obj.raw), 0)
                   for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3))
    has_image = any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    return has_image, min(segments, RULE_SEGMENT_CAP)


def _nested_forms_pdf() -> pdfium.PdfDocument:
    """Page 1 draws an image and a 4-segment path; page 2 draws page 1 as a form; page 3 draws page 2 as one."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(200, 200)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("L", (8, 8), 0)))
    image.set_matrix(pdfium.PdfMatrix().scale(50, 50))
    page.insert_obj(image)
    path = pdfium_c.FPDFPageObj_CreateNewRect(10, 10, 100, 2)
    pdfium_c.FPDFPath_SetDrawMode(path, pdfium_c.FPDF_FILLMODE_ALTERNATE, 0)
    pdfium_c.FPDFPage_InsertObject(page.raw, path)
    page.gen_content()
    for number in (0, 1):
        xobject = pdf.page_as_xobject(number, pdf)
        outer = pdf.new_page(200, 200)
        outer.insert_obj(xobject.as_pageobject())
        outer.gen_content()
    return pdf


def test_one_walk_over_the_raw_objects_finds_what_pypdfium2s_walks_find() -> None:
    pdf = _nested_forms_pdf()
    found = [drawn_objects(pdf[n]) for n in range(3)]
    assert found == [_walked(pdf[n]) for n in range(3)]
    assert [has_image for has_image, _ in found] == [True, True, False]  # an image two forms deep is not looked for
    assert all(segments >= 4 for _, segments in found)  # paths are, three levels deep


def test_every_fixture_page_gets_the_same_image_and_rule_facts_from_the_one_walk(fixtures_dir: Path) -> None:
    checked = 0
    for path in sorted(fixtures_dir.rglob("*.pdf")):
        try:
            pdf = open_pdf(path)
        except Exception:  # noqa: BLE001 - the broken ones in fixtures/bad
            continue
        for n in range(min(len(pdf), 10)):
            page = pdf[n]
            assert drawn_objects(page) == _walked(page), (path.name, n + 1)
            checked += 1
        pdf.close()
    assert checked > 100
