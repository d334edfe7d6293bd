"""A stand-in for Tesseract in fast tests: replays recorded `tesseract ... tsv` output.

Real Tesseract runs in the slow tests; here each page to OCR gets a recorded page's TSV (the recording made
with `tesseract page.png stdout -l dan --dpi 300 tsv`), parsed by the same code as live output.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.ocr import OcrPage, tsv_lines

RECORDED = Path(__file__).parent / "data" / "ocr"


@dataclass
class ReplayOcr:
    """Page n gets `by_page[n]` if recorded, else `default`; `calls` keeps the page numbers asked for."""

    default: str = field(default_factory=lambda: (RECORDED / "002-scan-p1.tsv").read_text(encoding="utf-8"))
    by_page: Mapping[int, str] = field(default_factory=dict)
    dpi: int = 300
    calls: list[int] = field(default_factory=list)

    def read_pages(self, pdf: pdfium.PdfDocument, numbers: Sequence[int]) -> dict[int, OcrPage]:
        self.calls.extend(numbers)
        return {n: OcrPage(tuple(tsv_lines(self.by_page.get(n, self.default), n, self.dpi)), ())
                for n in numbers}
