"""The fixture PDFs are what their names claim: text layers, image-only scans, English-OCR damage, broken files.

These checks read the committed files with pypdfium2 (no OCR, fast). Checks against the seed texts run when
the shared material is present (`../shared` or $MOEDEARKIV_SHARED) and are skipped otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PDF = FIXTURES / "pdf"
SHARED = Path(os.environ.get("MOEDEARKIV_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
BORN_DIGITAL = ("000", "001", "002", "003", "004")
SCANS = ("002-scan.pdf", "003-scan-p1-4.pdf")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed texts not found at {SEEDS}")


def page_texts(path: Path) -> list[str]:
    """Text of each page; pdfium marks a line-break hyphen as U+FFFE, put back as '-' + newline."""
    doc = pdfium.PdfDocument(path)
    return [doc[i].get_textpage().get_text_range().replace("\ufffe", "-\n") for i in range(len(doc))]


def seed_text(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def image_objects(page: pdfium.PdfPage) -> list[pdfium.PdfImage]:
    return list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module
    spec.loader.exec_module(module)
    return module


REAL = load_maker().REAL_PDFS  # the real PDFs the script copies: one list, kept in the script


def char_styles(textpage: pdfium.PdfTextPage, needle: str) -> list[tuple[float, int]]:
    """(font size, font weight) of the first char of each whole-word match of needle, in page order."""
    searcher = textpage.search(needle, match_case=True, match_whole_word=True)
    styles = []
    while (found := searcher.get_next()) is not None:
        index = found[0]
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
        styles.append((size, pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)))
    assert styles, f"{needle!r} not on page"
    return styles


# ---------------------------------------------------------------- born-digital


@needs_seeds
@pytest.mark.parametrize("number", BORN_DIGITAL)
def test_born_digital_text_layer_holds_the_seed_words(number: str) -> None:
    seed_words = Counter(re.sub("[\ue000-\uf8ff]", "•", seed_text(number)).split())
    pdf_words = Counter(" ".join(page_texts(PDF / f"{number}.pdf")).split())
    found = sum((seed_words & pdf_words).values())
    # Only words wider than the page (long URLs) may be split by the wrapping.
    assert found / sum(seed_words.values()) > 0.995


@needs_seeds
@pytest.mark.parametrize("number", BORN_DIGITAL)
def test_born_digital_starts_a_page_at_each_seed_page_mark(number: str) -> None:
    marks = [line[1:].strip() for line in seed_text(number).splitlines()[1:] if re.match(r"^ \S", line)]
    texts = page_texts(PDF / f"{number}.pdf")
    # Page starts after the running header line (pages 2+) are where marked lines must be found.
    starts = [t.splitlines()[1 if i else 0] for i, t in enumerate(texts) if t.strip()]
    hits = sum(any(s.startswith(m[:25]) for s in starts) for m in marks)
    assert hits >= 0.9 * len(marks)
    assert len(marks) <= len(texts) <= 2 * len(marks) + 30


def test_known_danish_words_survive_in_born_digital_text() -> None:
    text = " ".join(page_texts(PDF / "000.pdf"))
    for phrase in ("Godkendelse af referat", "Glostrup Park Hotel", "Østdanmark", "fælles", "møde", "på"):
        assert phrase in text
    damaged = " ".join(page_texts(PDF / "001.pdf"))  # born-digital copy of an OCR-damaged text: damage kept
    assert "mgde" in damaged.split() and "pa" in damaged.split()


@needs_seeds
def test_running_header_and_footer_on_every_page_but_the_first() -> None:
    date = re.search(r"^Dato:\s*(\d{2}-\d{2}-\d{4})", seed_text("001"), re.M)
    assert date is not None
    texts = page_texts(PDF / "001.pdf")
    assert "SIDE |" not in texts[0] and date.group(1) not in texts[0].splitlines()[0]
    for number, text in enumerate(texts[1:], start=2):
        lines = text.strip().splitlines()
        assert lines[0] == f"KKR Hovedstaden | {date.group(1)}"
        assert lines[-1] == f"SIDE | {number}"


def test_headings_are_bold_and_larger_than_body_text() -> None:
    textpage = pdfium.PdfDocument(PDF / "000.pdf")[0].get_textpage()
    body_size, body_weight = char_styles(textpage, "Referat")[0]
    section_size, section_weight = max(char_styles(textpage, "Indstilling"))
    item_size, item_weight = max(char_styles(textpage, "1.1. Godkendelse"))  # the first match is the TOC row
    assert section_weight >= 700 > body_weight
    assert item_weight >= 700
    assert item_size > section_size > body_size


@needs_seeds
def test_born_digital_rendering_is_deterministic_and_matches_committed_text(tmp_path: Path) -> None:
    maker = load_maker()
    seed = next(SEEDS.glob("001_*.txt"))
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    maker.render_seed(seed, first, maker.Style())
    maker.render_seed(seed, second, maker.Style())
    assert first.read_bytes() == second.read_bytes()
    assert page_texts(first) == page_texts(PDF / "001.pdf")


# ---------------------------------------------------------------- scans


@pytest.mark.parametrize("name", SCANS)
def test_scans_are_image_only_at_200_dpi(name: str) -> None:
    doc = pdfium.PdfDocument(PDF / name)
    for page in doc:
        assert page.get_textpage().count_chars() == 0
        images = image_objects(page)
        assert len(images) == 1
        assert images[0].get_metadata().horizontal_dpi == pytest.approx(200, abs=1)
        assert images[0].get_metadata().bits_per_pixel == 1


def test_full_scan_has_every_page_and_stays_small() -> None:
    assert len(pdfium.PdfDocument(PDF / "002-scan.pdf")) == len(pdfium.PdfDocument(PDF / "002.pdf"))
    assert (PDF / "002-scan.pdf").stat().st_size < 2_000_000
    assert len(pdfium.PdfDocument(PDF / "003-scan-p1-4.pdf")) == 4


def test_eng_ocr_layer_is_invisible_text_over_page_images() -> None:
    doc = pdfium.PdfDocument(PDF / "003-eng-ocr.pdf")
    assert len(doc) == 6
    for page in doc:
        assert len(image_objects(page)) == 1
        texts = [o for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_TEXT]
        assert texts and all(
            pdfium_c.FPDFTextObj_GetTextRenderMode(o.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE for o in texts
        )


def test_eng_ocr_layer_has_english_model_damage() -> None:
    ocr = " ".join(page_texts(PDF / "003-eng-ocr.pdf"))
    truth = " ".join(page_texts(PDF / "003.pdf")[:6])
    assert len(ocr) > 0.8 * len(truth)
    assert sum(truth.count(c) for c in "æøåÆØÅ") > 50
    assert sum(ocr.count(c) for c in "æøåÆØÅ") == 0  # the English model has no Danish letters
    assert ocr.split().count("pa") >= truth.split().count("på") // 2  # på -> pa
    ae_words = {w for w in truth.split() if "æ" in w and w.isalpha()}
    assert sum(w.replace("æ", "ae") in ocr.split() for w in ae_words) >= 3  # stærkt -> staerkt


# ---------------------------------------------------------------- real and bad files


@pytest.mark.parametrize("name", REAL)
def test_real_pdfs_are_present_with_a_text_layer(name: str) -> None:
    texts = page_texts(FIXTURES / "real" / name)
    assert texts and sum(len(t.strip()) for t in texts) > 500
    source = SHARED / "corpus" / "real" / name
    if source.is_file():
        assert (FIXTURES / "real" / name).read_bytes() == source.read_bytes()


def test_real_scan_excerpt_is_two_rotated_image_pages() -> None:
    doc = pdfium.PdfDocument(FIXTURES / "real" / "dk_ballerup_bygningsliste_SCANNED_p1-2.pdf")
    assert len(doc) == 2
    for page in doc:
        assert page.get_rotation() == 270
        assert page.get_textpage().count_chars() == 0
        assert len(image_objects(page)) >= 1


@pytest.mark.parametrize("name", ["empty.pdf", "truncated.pdf", "not-a-pdf.pdf", "encrypted.pdf", "garbage-header.pdf"])
def test_bad_inputs_do_not_open_as_pdfs(name: str) -> None:
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(FIXTURES / "bad" / name)


def test_encrypted_fixture_opens_with_its_user_password() -> None:
    doc = pdfium.PdfDocument(FIXTURES / "bad" / "encrypted.pdf", password="hemmelig")
    assert len(doc) == len(pdfium.PdfDocument(PDF / "001.pdf"))
