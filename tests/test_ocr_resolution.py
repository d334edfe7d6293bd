"""Scans are read at their own pixel density, whatever page size the PDF claims."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2.raw as pdfium_c
import pytest

from pipeline import process
from pipeline.config import Settings
from pipeline.errors import OcrTimeoutError
from pipeline.ingest import Services, extract_pages, parse
from pipeline.ocr import MAX_UPSAMPLE, OcrEngine, ocr_resolution, tsv_words
from pipeline.pdf import open_pdf
from pipeline.tables import find_tables
from storage.archive import Archive
from tests.conftest import FIXTURES

SCAN_70DPI = FIXTURES / "pdf" / "002-scan-70dpi.pdf"  # 200-dpi scan, page size written for 70 dpi (23.6 x 33.4 in)
TWIN = FIXTURES / "pdf" / "002.pdf"


def _resolution(path: Path, number: int = 1):  # noqa: ANN202
    pdf = open_pdf(path)
    try:
        return ocr_resolution(pdf[number - 1])
    finally:
        pdf.close()


def test_a_page_size_written_for_70_dpi_is_read_at_the_scans_pixels() -> None:
    """1654 x 2339 pixels on a 1701 x 2406 pt page: rendered at its own pixels (not 4.3x), read as 200 dpi."""
    resolution = _resolution(SCAN_70DPI)
    assert resolution.dpi == 200
    assert resolution.scale == pytest.approx(2339 / 2405.83, rel=0.01)


def test_a_200_dpi_scan_is_rendered_at_200_dpi() -> None:
    resolution = _resolution(FIXTURES / "pdf" / "002-scan.pdf")
    assert resolution.dpi == 200
    assert resolution.scale == pytest.approx(200 / 72, rel=0.01)


@pytest.mark.parametrize("name", ["002-scan.pdf", "002-scan-70dpi.pdf", "003-scan-p1-4.pdf"])
def test_a_scan_read_at_its_own_pixels_is_rendered_pixel_for_pixel(name: str) -> None:
    """The rendering Tesseract reads is the scanner's image itself: same size, same pixels. pdfium rounds each
    side up, so the unnudged scale made a 1654-pixel-wide scan 1655 wide, a column doubled in the middle."""
    from PIL import ImageChops

    pdf = open_pdf(FIXTURES / "pdf" / name)
    try:
        page = pdf[0]
        resolution = ocr_resolution(page)
        assert resolution.native
        image = max(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2),
                    key=lambda obj: obj.get_px_size()[0] * obj.get_px_size()[1])
        scan = image.get_bitmap(render=False).to_pil().convert("L")
        rendered = page.render(scale=resolution.scale, grayscale=True, no_smoothimage=True).to_pil()
    finally:
        pdf.close()
    assert rendered.size == scan.size
    assert ImageChops.difference(rendered, scan).getbbox() is None


def test_a_page_without_images_uses_the_default() -> None:
    resolution = _resolution(TWIN)
    assert (resolution.dpi, resolution.scale) == (300, pytest.approx(300 / 72))


def test_a_low_resolution_scan_is_never_upsampled_several_times() -> None:
    """The real Ballerup scan: whatever its density, the rendering is at most 2x its own pixels."""
    pdf = open_pdf(FIXTURES / "real" / "dk_ballerup_bygningsliste_SCANNED_p1-2.pdf")
    page = pdf[0]
    resolution = ocr_resolution(page)
    import pypdfium2.raw as pdfium_c
    image = max(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]), key=lambda o: o.get_px_size()[0])
    left, bottom, right, top = image.get_bounds()
    native = max(image.get_px_size()) / max(right - left, top - bottom)
    pdf.close()
    assert 200 <= resolution.dpi <= 400
    assert resolution.scale <= native * MAX_UPSAMPLE + 1e-6


def test_word_boxes_are_fractions_of_the_page_and_turned_back() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    tsv = header + "5\t1\t1\t1\t1\t1\t100\t50\t200\t25\t96\tBeslutning\n4\t1\t1\t1\t1\t0\t0\t0\t0\t0\t-1\t\n"
    assert tsv_words(tsv, (1000, 500)) == (("Beslutning", 0.1, 0.1, 0.3, 0.15),)
    # read on an image turned 90 degrees clockwise: its top-left corner was the page's bottom-left
    (word,) = tsv_words(tsv, (1000, 500), turned=90)
    assert word == ("Beslutning", 0.1, pytest.approx(0.7), 0.15, pytest.approx(0.9))


@pytest.mark.slow
def test_a_page_that_takes_too_long_is_a_clear_error_naming_file_and_page() -> None:
    """The limit is Tesseract's CPU time; the message names the file (added by the pipeline) and the page."""
    with tempfile.TemporaryDirectory() as home:
        services = Services.open(Settings.resolve(home=home, workers=1))
        with pytest.raises(OcrTimeoutError) as caught:
            process.extract_pages(SCAN_70DPI, OcrEngine(timeout=0.01, workers=1), services.repairer,
                                  services.settings)
    message = str(caught.value)
    assert message.startswith(f"{SCAN_70DPI}: Tesseract took more than 0.0")  # 0.01 CPU s a page, each batch
    assert " CPU s on page" in message and "1" in message.split(" on page")[1]
    assert "MOEDEARKIV_OCR_TIMEOUT" in message


@pytest.mark.slow
def test_a_scan_with_a_70_dpi_page_size_parses_like_its_born_digital_twin() -> None:
    with tempfile.TemporaryDirectory() as home:
        services = Services.open(Settings.resolve(home=home, workers=2))
        scan_pages = extract_pages(SCAN_70DPI, services)
        scan = parse(SCAN_70DPI, scan_pages, find_tables(SCAN_70DPI, scan_pages))
        twin_pages = extract_pages(TWIN, services)
        twin = parse(TWIN, twin_pages, find_tables(TWIN, twin_pages))
        assert all(p.source == "ocr" for p in scan_pages)  # its English text layer was judged damaged
        gold = {i.number for i in twin.items if (i.page_start or 99) <= len(scan_pages)}
        found = {i.number for i in scan.items}
        tp = len(gold & found)
        f1 = 2 * tp / (len(gold) + len(found))
        assert len(gold) >= 3 and f1 >= 0.98, (gold, found)
        titles = {i.number: i.title for i in twin.items}
        assert all(i.title == titles[i.number] for i in scan.items)
        assert (scan.date, scan.body, scan.kind) == (twin.date, twin.body, twin.kind) and scan.date

        # the word boxes of the OCR'd pages are stored with them
        archive = Archive(f"sqlite:///{home}/t.sqlite")
        with archive.sessions.begin() as session:
            archive.add_document(session, SCAN_70DPI, "0" * 64, scan_pages, scan, {})
        from sqlalchemy import select

        from storage.models import DocumentRow, PageRow

        with archive.sessions() as session:
            stored = session.scalars(select(PageRow).join(DocumentRow).where(DocumentRow.sha256 == "0" * 64)
                                     .order_by(PageRow.number)).all()
            words = tuple(tuple(w) for w in stored[0].words)
        assert words == scan_pages[0].words and len(words) > 50
        assert all(0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 for _, x0, y0, x1, y1 in words)
        dato = next(w for w in words if w[0] == "Dato:")
        assert dato[1] < 0.5 and 0.2 < dato[2] < 0.8  # left half, mid page, as printed


def test_the_engine_takes_its_limits_from_the_settings(tmp_path: Path) -> None:
    settings = Settings.resolve(home=tmp_path, ocr_timeout=7.5, max_page_megapixels=50.0, workers=1)
    engine = OcrEngine.from_settings(settings)
    assert (engine.timeout, engine.max_megapixels, engine.workers) == (7.5, 50.0, 1)


@pytest.mark.slow
def test_parse_explain_reads_scans_under_the_same_timeout(tmp_path: Path) -> None:
    """`parse --explain` OCRs through the configured engine: its CPU-time limit applies there too."""
    from parsers.explain import trace_file

    with pytest.raises(OcrTimeoutError) as caught:
        trace_file(SCAN_70DPI, Settings.resolve(home=tmp_path, ocr_timeout=0.01, workers=1))
    assert str(caught.value).startswith(f"{SCAN_70DPI}: Tesseract took more than 0.0")
