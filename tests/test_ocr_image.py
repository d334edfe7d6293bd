"""Rules (underlines) taken out of page images before OCR: the rule goes, the letters stay."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr_image import bilevel_histogram, remove_rules, rule_mask, write_pbm

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
DPI = 200
PAPER, INK = 215, 30


def _page(text: str, underline: bool, angle: float = 0.0) -> Image.Image:
    """A strip of gray paper with one typed line, underlined just under its baseline (through the tails of
    g, j, p: as a typewriter or a word processor underlines), turned by `angle`."""
    image = Image.new("L", (1400, 160), PAPER)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40) if FONT.exists() else ImageFont.load_default(40)
    draw.text((40, 40), text, fill=INK, font=font)
    if underline:
        left, _, right, _ = draw.textbbox((40, 40), text, font=font)
        baseline = draw.textbbox((40, 40), "H", font=font)[3]
        draw.line((left, baseline + 4, right, baseline + 4), fill=INK, width=3)
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=PAPER) if angle else image


def _ink(image: Image.Image) -> np.ndarray:
    return np.asarray(image) < 120


def test_page_without_rules_comes_back_untouched() -> None:
    page = _page("Beslutning: Godkendt.", underline=False)
    cleaned, found = remove_rules(page, DPI)
    assert cleaned is page and found.pixels == 0


def test_underline_of_a_typed_heading_is_painted_over() -> None:
    plain = _page("Pkt. 2. Skolens kakkelovne og gulve", underline=False)
    underlined = _page("Pkt. 2. Skolens kakkelovne og gulve", underline=True)
    cleaned, found = remove_rules(underlined, DPI)
    assert found.rule_rows >= 2 and found.pixels > 1000
    extra_before = (_ink(underlined) & ~_ink(plain)).sum()
    extra_after = (_ink(cleaned) & ~_ink(plain)).sum()
    assert extra_after < 0.1 * extra_before  # the rule is gone
    kept = (_ink(cleaned) & _ink(plain)).sum() / _ink(plain).sum()
    assert kept > 0.93  # and the letters are still there (a few pixels of their feet go with the rule)


def test_underline_on_a_skewed_scan_is_found_across_its_steps() -> None:
    underlined = _page("Pkt. 3. VEJEN TIL EGEDE MARK", underline=True, angle=0.9)
    plain = _page("Pkt. 3. VEJEN TIL EGEDE MARK", underline=False, angle=0.9)
    cleaned, _ = remove_rules(underlined, DPI)
    assert (_ink(cleaned) & ~_ink(plain)).sum() < 0.15 * (_ink(underlined) & ~_ink(plain)).sum()


def test_thick_bar_and_short_strokes_are_not_rules() -> None:
    image = Image.new("L", (1200, 200), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 40, 1100, 90), fill=INK)  # a redaction bar: long but thick
    for x in range(100, 1100, 60):
        draw.line((x, 150, x + 40, 150), fill=INK, width=3)  # a dashed line: thin but short pieces
    assert not rule_mask(np.asarray(image), DPI).any()


@pytest.mark.slow
def test_underlined_heading_is_read_right_once_cleaned(tmp_path: Path) -> None:
    """Real Tesseract: the underlined heading's words come out whole once the rule is gone."""
    pytesseract = pytest.importorskip("pytesseract")
    page = _page("Pkt. 1. FORHANDLINGSPROTOKOLLEN", underline=True, angle=0.5)
    cleaned, _ = remove_rules(page, DPI)
    path = tmp_path / "line.png"
    cleaned.save(path)
    text = pytesseract.image_to_string(str(path), lang="dan", config=f"--dpi {DPI} --psm 7")
    assert "FORHANDLINGSPROTOKOLLEN" in text and "Pkt" in text


def test_the_sampled_row_search_finds_every_run_the_full_search_finds() -> None:
    """The cheap pre-test on every SAMPLE-th column may pass rows without a rule, but never miss one; the mask
    spread over neighbouring rows in the candidate rows only is the whole page's spread mask there."""
    from pipeline.ocr_image import _long_spread_runs, _runs_at_least, _spread

    rng = np.random.default_rng(7)
    for density in (0.3, 0.6, 0.9, 0.97):
        mask = rng.random((300, 500)) < density
        mask[50, 37:200] = True  # one certain run, at an offset that is no multiple of the sample step
        mask[0, 300:480] = mask[299, 10:190] = True  # and runs in the first and last rows (no row beyond)
        for length, rows in itertools.product((20, 61, 120, 163), (0, 1, 2)):
            assert np.array_equal(_long_spread_runs(mask, length, rows), _runs_at_least(_spread(mask, rows), length)), \
                (density, length, rows)


def test_bilevel_pages_are_told_from_gray_ones_and_written_as_pil_writes_them(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    bilevel = Image.fromarray(np.where(rng.random((301, 203)) < 0.1, 0, 255).astype(np.uint8), mode="L")
    assert bilevel_histogram(bilevel) == bilevel.histogram()
    for where in ((16, 32), (5, 7)):  # one gray pixel, in the sparse sample (every 16th) or only in the full count
        gray = bilevel.copy()
        gray.putpixel(where, 128)
        assert bilevel_histogram(gray) is None
    assert bilevel_histogram(bilevel.convert("1")) is None  # not a gray image: PIL's own path
    ours = write_pbm(bilevel, tmp_path / "ours.pbm").read_bytes()
    bilevel.convert("1", dither=Image.Dither.NONE).save(tmp_path / "pil.pbm")
    assert ours == (tmp_path / "pil.pbm").read_bytes()
