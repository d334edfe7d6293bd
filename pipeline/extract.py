"""The text layer of each page, with the layout facts the parser uses (font size, bold, gaps).

pypdfium2 is the fast path (~2,600 pages/s for text; it also gives each glyph's box, size and weight).
pdfplumber is kept for what it is good at (tables, see parsers), since its char parsing is ~100x slower.
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.model import Line, Page

_BOLD_WEIGHT = 600
_FONT_NAME = ctypes.create_string_buffer(256)


def _font_is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    if weight >= _BOLD_WEIGHT:
        return True
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, _FONT_NAME, len(_FONT_NAME), ctypes.byref(flags))
    name = _FONT_NAME.value.decode("latin-1").lower()
    return "bold" in name or "black" in name or "heavy" in name


def _layout_lines(textpage: pdfium.PdfTextPage, text: str, page_number: int, page_height: float) -> list[Line]:
    """Split pdfium's text into lines and read size/bold/top of each line's first visible glyph."""
    lines: list[Line] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    prev_bottom: float | None = None
    start = 0
    for raw in text.replace("\r\n", "\n\x00").split("\n"):
        # '\r\n' is two characters in pdfium's index; the placeholder keeps offsets aligned
        content = raw.replace("\x00", "")
        offset = start + (1 if raw.startswith("\x00") else 0)
        start += len(raw) + 1
        first = next((i for i, ch in enumerate(content) if not ch.isspace()), None)
        if first is None:
            lines.append(Line(text="", page=page_number))
            continue
        index = offset + first
        pdfium_c.FPDFText_GetCharBox(textpage.raw, index, *(ctypes.byref(v) for v in (left, right, bottom, top)))
        size = round(pdfium_c.FPDFText_GetFontSize(textpage.raw, index), 1)
        line_top = round(page_height - top.value, 1)
        line_bottom = page_height - bottom.value
        gap = round(line_top - prev_bottom, 1) if prev_bottom is not None else None
        prev_bottom = line_bottom
        lines.append(Line(text=content, page=page_number, top=line_top, size=size,
                          bold=_font_is_bold(textpage, index), gap_before=gap))
    return lines


RULE_SEGMENT_CAP = 64  # enough to tell a grid from a signature line; counting further costs time on charts


def _rule_segments(page: pdfium.PdfPage) -> int:
    """Vector path segments on the page, up to RULE_SEGMENT_CAP (the table step opens only ruled pages)."""
    segments = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        segments += max(pdfium_c.FPDFPath_CountSegments(obj.raw), 0)
        if segments >= RULE_SEGMENT_CAP:
            return RULE_SEGMENT_CAP
    return segments


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def read_text_layer(pdf: pdfium.PdfDocument) -> list[Page]:
    """Every page's text layer (possibly empty) and whether it carries an image to OCR."""
    pages: list[Page] = []
    for number, page in enumerate(pdf, start=1):
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        lines = _layout_lines(textpage, text, number, page.get_height())
        plain = "\n".join(line.text for line in lines)
        pages.append(Page(number=number, text=plain, raw_text=plain, source="text", lines=tuple(lines),
                          has_image=_has_image(page), rule_segments=_rule_segments(page)))
        textpage.close()
        page.close()
    return pages


def visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())
