"""Regression: a scan of only a body's boilerplate pages (cover, mission, member list) joined another meeting.

`fixtures/pdf/003-scan-p1-4.pdf` holds pages 1-4 of seed 003: KL's mission statement and the KKR member list,
printed alike in every KKR Hovedstaden meeting. With no date or body of its own it was attached as a `copy` of
seed 001's meeting, a different meeting, because those pages' word pairs are all in 001."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

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
