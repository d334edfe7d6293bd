"""Regression: a scan of only a body's boilerplate pages (cover, mission, member list) joined another meeting.

`fixtures/pdf/003-scan-p1-4.pdf` holds pages 1-4 of seed 003: KL's mission statement and the KKR member list,
printed alike in every KKR Hovedstaden meeting. With no date or body of its own it was attached as a `copy` of
seed 001's meeting, a different meeting, because those pages' word pairs are all in 001."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.identity import PIECE_CONTAINMENT, piece_containment, shingles

ROOT = Path(__file__).resolve().parents[1]


def page_texts(path: Path, first: int, last: int) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[n].get_textpage().get_text_range() for n in range(first - 1, min(last, len(pdf))))
    finally:
        pdf.close()


def test_boilerplate_pages_are_not_a_copy_of_another_meeting() -> None:
    part = shingles(page_texts(ROOT / "fixtures/pdf/003.pdf", 1, 4))
    other_meeting = shingles(page_texts(ROOT / "fixtures/pdf/001.pdf", 1, 999))
    assert len(part & other_meeting) / len(part) > 0.5  # the pages really are shared boilerplate...
    assert piece_containment(part, other_meeting) < PIECE_CONTAINMENT  # ...so they prove nothing


def test_real_pages_of_a_document_are_a_copy_of_it() -> None:
    part = shingles(page_texts(ROOT / "fixtures/pdf/001.pdf", 5, 8))
    whole = shingles(page_texts(ROOT / "fixtures/pdf/001.pdf", 1, 999))
    assert piece_containment(part, whole) >= PIECE_CONTAINMENT


def test_a_small_piece_joins_the_one_meeting_that_holds_all_of_it() -> None:
    from pipeline.identity import MIN_PIECE_PAIRS, sole_holder

    small = MIN_PIECE_PAIRS // 2
    assert sole_holder({"kkr-2025-04-11": 1.0, "kkr-2025-09-02": 0.907}, small) == "kkr-2025-04-11"
    assert sole_holder({"kkr-2025-04-11": 1.0, "kkr-2025-09-02": 0.97}, small) is None  # boilerplate alike in both
    assert sole_holder({"kkr-2025-09-02": 0.907}, small) is None  # not all of it: another meeting's pages
    assert sole_holder({"kkr-2025-04-11": 1.0}, 10) is None  # too few pairs to tell anything
    assert sole_holder({"kkr-2025-04-11": 1.0}, MIN_PIECE_PAIRS) is None  # large pieces: the share rule decides


@pytest.mark.slow
@pytest.mark.parametrize("with_its_meeting", [True, False])
def test_a_scan_of_the_boilerplate_pages_joins_its_own_meeting_only(tmp_path: Path, with_its_meeting: bool) -> None:
    """Real OCR of the 4-page scan: with 003 in the archive (before or after it) it is 003's copy, the member
    list's substitute being 003's alone; without 003 it stays a document of its own, never 001's copy."""
    from pipeline.config import Settings
    from pipeline.ingest import Services, ingest_paths

    pdf = ROOT / "fixtures" / "pdf"
    others = [pdf / "001.pdf", pdf / "000.pdf"] + ([pdf / "003.pdf"] if with_its_meeting else [])
    services = Services.open(Settings.resolve(home=tmp_path / "h", quiet=True, workers=1))
    ingest_paths([pdf / "003-scan-p1-4.pdf", *others], services)
    sha = {Path(s.path).name: (meeting_id, s.role) for meeting_id in services.archive.meeting_ids()
           for s in services.archive.load(meeting_id).sources}  # type: ignore[union-attr]
    if with_its_meeting:
        assert sha["003-scan-p1-4.pdf"] == (sha["003.pdf"][0], "copy")
    else:
        assert sha["003-scan-p1-4.pdf"][1] == "document"
