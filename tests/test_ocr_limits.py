"""A page image for OCR stays under the pixel cap: rendered coarser, or refused before anything is rendered.

The PDFs are generated here with pdfium (giant page sizes cost nothing until a page is rendered), and no
test renders more than a thumbnail, so they take well under a second.
"""
from __future__ import annotations

import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from pipeline.config import Settings
from pipeline.errors import TooLargeError
from pipeline.ocr import MIN_LEGIBLE_DPI, OcrEngine, batches, page_resolution, render_page, split_tsv
from pipeline.process import check_render_size
from tests.conftest import FIXTURES

GIANT_PT = 14400.0  # 200 x 200 inches, the largest page PDF allows without UserUnit


def _pdf(path: Path, size_pt: tuple[float, float], image_px: tuple[int, int] | None = None,
         placed_pt: tuple[float, float] | None = None) -> Path:
    """One page of `size_pt`, with a white image of `image_px` pixels placed top-left over `placed_pt` points."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(*size_pt)
    if image_px is not None:
        placed_w, placed_h = placed_pt or size_pt
        image = pdfium.PdfImage.new(pdf)
        image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("L", image_px, 255)))
        image.set_matrix(pdfium.PdfMatrix(placed_w, 0, 0, placed_h, 0, size_pt[1] - placed_h))
        page.insert_obj(image)
        page.gen_content()
    pdf.save(path)
    pdf.close()
    return path


def _resolution(path: Path, **kwargs: float):  # noqa: ANN202
    pdf = pdfium.PdfDocument(path)
    try:
        width, height = pdf[0].get_size()
        resolution = page_resolution(pdf, 1, **kwargs)
    finally:
        pdf.close()
    return resolution, width * resolution.scale * height * resolution.scale / 1e6


def test_a_giant_page_is_refused_by_the_engine_before_rendering(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "giant.pdf", (GIANT_PT, GIANT_PT))
    pdf = pdfium.PdfDocument(path)
    start = time.perf_counter()
    try:
        with pytest.raises(TooLargeError) as caught:
            OcrEngine(workers=1).read_pages(pdf, [1])
    finally:
        pdf.close()
    assert time.perf_counter() - start < 5  # 3,600 megapixels were never rendered
    message = str(caught.value)
    assert "page 1 is 508 x 508 cm" in message and "3,600 megapixels at 300 dpi" in message
    assert "limit of 200 megapixels" in message and "qpdf" in message


def test_the_ingest_check_names_the_file(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "giant.pdf", (GIANT_PT, GIANT_PT))
    pdf = pdfium.PdfDocument(path)
    try:
        with pytest.raises(TooLargeError) as caught:
            check_render_size(path, pdf, [1], Settings.resolve(home=tmp_path))
    finally:
        pdf.close()
    assert str(caught.value).startswith(f"{path}: page 1 is 508 x 508 cm")


def test_a_large_page_is_rendered_at_a_lower_dpi_under_the_cap(tmp_path: Path) -> None:
    """60 x 60 inches at 300 dpi are 324 megapixels: rendered at the highest dpi that fits 200."""
    resolution, megapixels = _resolution(_pdf(tmp_path / "large.pdf", (60 * 72, 60 * 72)))
    assert MIN_LEGIBLE_DPI <= resolution.dpi < 300
    assert 190 < megapixels <= 200
    assert resolution.scale == pytest.approx(resolution.dpi / 72)  # told the dpi it is rendered at


def test_the_cap_is_a_setting(tmp_path: Path) -> None:
    """An A4 scan at 200 dpi (3.9 megapixels) under a 1-megapixel cap: read at about 100 dpi."""
    path = _pdf(tmp_path / "a4.pdf", (595.3, 841.9), image_px=(1654, 2339))
    resolution, megapixels = _resolution(path, max_megapixels=1.0)
    assert megapixels <= 1.0 and resolution.dpi == 101
    with pytest.raises(TooLargeError):
        _resolution(path, max_megapixels=0.5)


def test_a_giant_page_holding_a_scan_is_read_as_paper(tmp_path: Path) -> None:
    """A 2000-pixel scan filling a 200-inch page (a page size gone wrong): rendered as an A4 page would be,
    a few megapixels, not 3,600."""
    resolution, megapixels = _resolution(_pdf(tmp_path / "scan.pdf", (GIANT_PT, GIANT_PT), image_px=(2000, 2000)))
    assert resolution.dpi == 200 and megapixels < 10


def test_a_part_page_scan_on_a_wrong_page_size_keeps_its_density(tmp_path: Path) -> None:
    """A 200-dpi scan of half an A4 page, on a page size written for 70 dpi: still read at 200 dpi, at its
    own pixels (not enlarged twice over as if it covered the whole page)."""
    path = _pdf(tmp_path / "half.pdf", (1701, 2406), image_px=(1654, 1169), placed_pt=(1701, 1203))
    resolution, _ = _resolution(path)
    assert resolution.dpi == 200 and resolution.native
    assert resolution.scale == pytest.approx(1654 / 1701, rel=0.01)


def test_batches_keep_consecutive_pages_of_one_dpi_and_shrink_towards_the_end() -> None:
    fifteen = batches(list(range(1, 16)), [200] * 15, workers=2, limit=8)
    assert [len(b) for b in fifteen] == [5, 4, 2, 2, 1, 1]
    assert [n for b in fifteen for n in b] == list(range(1, 16))
    # the default limit: a batch of heavy pages no longer holds one worker while the other has finished
    assert [len(b) for b in batches(list(range(1, 16)), [200] * 15, workers=2)] == [3, 3, 3, 2, 2, 1, 1]
    assert batches([1, 2, 3, 4, 5, 6], [200, 200, 300, 300, 300, 300], workers=1, limit=8) == [[1, 2], [3, 4, 5, 6]]
    assert batches([1, 2], [200, 200], workers=2) == [[1], [2]]
    assert batches(list(range(20)), [300] * 20, workers=1, limit=8) == [list(range(8)), list(range(8, 16)),
                                                                          list(range(16, 20))]


def test_split_tsv_gives_each_image_its_rows() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = ["1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t", "1\t2\t0\t0\t0\t0\t0\t0\t50\t80\t-1\t",
            "5\t2\t1\t1\t1\t1\t5\t5\t20\t10\t96\tSag"]
    first, second, third = split_tsv("\n".join([header, *rows]) + "\n", 3)
    assert first == f"{header}\n{rows[0]}\n"
    assert second == f"{header}\n{rows[1]}\n{rows[2]}\n"
    assert third == f"{header}\n"


def test_a_bilevel_scan_is_written_as_a_pbm_with_pdfiums_pixels(tmp_path: Path) -> None:
    """A black-and-white scan rendered at its own pixels goes to Tesseract as 1-bit PBM, pixel for pixel what
    pdfium rendered (made bilevel without dithering, which would cost time and change nothing)."""
    pdf = pdfium.PdfDocument(FIXTURES / "pdf" / "002-scan.pdf")
    try:
        plan = page_resolution(pdf, 1)
        path = render_page(pdf, 1, plan.dpi, tmp_path, plan.scale, smooth=not plan.native)
        rendered = pdf[0].render(scale=plan.scale, grayscale=True, no_smoothimage=True).to_pil()
    finally:
        pdf.close()
    assert plan.native and path.suffix == ".pbm"
    with Image.open(path) as image:
        assert image.mode == "1" and image.size == rendered.size
        assert ImageChops.difference(image.convert("L"), rendered).getbbox() is None


class _OrientationCounter(OcrEngine):
    """Counts the orientation checks instead of running Tesseract's osd model."""

    checks: list[int] = []

    def _turn_upright(self, image: Path, dpi: int) -> tuple[Path | None, int]:
        self.checks.append(dpi)
        return None, 0


def test_only_a_page_with_words_read_badly_gets_the_orientation_check(tmp_path: Path) -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    page_row = "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
    engine, image = _OrientationCounter(), tmp_path / "page.pbm"
    blank = engine._page(header + page_row, image, 1, 200)
    assert blank.lines == () and engine.checks == []  # a blank page: nothing to turn
    engine._page(header + page_row + "5\t1\t1\t1\t1\t1\t5\t5\t20\t10\t96\tSag\n", image, 1, 200)
    assert engine.checks == []  # read well
    engine._page(header + page_row + "5\t1\t1\t1\t1\t1\t5\t5\t20\t10\t31\tuS\n", image, 1, 200)
    assert engine.checks == [200]  # read badly: perhaps sideways
