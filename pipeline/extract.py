"""The text layer of each page, with the layout facts the parser uses (font size, bold, gaps).

pypdfium2 is the fast path (~2,600 pages/s for text; it also gives each glyph's box, size and weight).
pdfplumber is kept for what it is good at (tables, see parsers), since its char parsing is ~100x slower.
"""
from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.model import Line, Page

_BOLD_WEIGHT = 600
_FONT_NAME = ctypes.create_string_buffer(256)
_FLAGS = ctypes.c_int()
_FLAGS_REF = ctypes.byref(_FLAGS)


@functools.lru_cache(maxsize=1024)
def _bold_name(name: bytes) -> bool:
    low = name.decode("latin-1").lower()
    return "bold" in low or "black" in low or "heavy" in low


def _font_is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    if weight >= _BOLD_WEIGHT:
        return True
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, _FONT_NAME, len(_FONT_NAME), _FLAGS_REF)
    return _bold_name(_FONT_NAME.value)


def _layout_lines(textpage: pdfium.PdfTextPage, text: str, page_number: int, page_height: float) -> list[Line]:
    """Split pdfium's text into lines and read size/bold/top of each line's first visible glyph."""
    lines: list[Line] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    box = tuple(ctypes.byref(v) for v in (left, right, bottom, top))  # made once: a line reads them only
    raw_page = textpage.raw
    prev_bottom: float | None = None
    start = 0
    for raw in text.replace("\r\n", "\n\x00").split("\n"):
        # '\r\n' is two characters in pdfium's index; the placeholder keeps offsets aligned
        content = raw.replace("\x00", "")
        offset = start + (1 if raw.startswith("\x00") else 0)
        start += len(raw) + 1
        visible = content.lstrip()  # str.isspace's whitespace, in C: a generator over the characters cost more
        if not visible:
            lines.append(Line(text="", page=page_number))
            continue
        index = offset + len(content) - len(visible)
        pdfium_c.FPDFText_GetCharBox(raw_page, index, *box)
        size = round(pdfium_c.FPDFText_GetFontSize(raw_page, index), 1)
        line_top = round(page_height - top.value, 1)
        line_bottom = page_height - bottom.value
        gap = round(line_top - prev_bottom, 1) if prev_bottom is not None else None
        prev_bottom = line_bottom
        lines.append(Line(text=content, page=page_number, top=line_top, size=size,
                          bold=_font_is_bold(textpage, index), gap_before=gap))
    return lines


RULE_SEGMENT_CAP = 64  # enough to tell a grid from a signature line; counting further costs time on charts
IMAGE_DEPTH, PATH_DEPTH = 2, 3  # form nesting levels searched for an image to OCR, for vector rules

PageCheck = Callable[[int, pdfium.PdfPage], None]
"""Called with each page as it is loaded, before its text is read (pipeline/process.py refuses a page drawn
with millions of objects there: one load of the page serves the check and the text)."""


def drawn_objects(page: pdfium.PdfPage) -> tuple[bool, int]:
    """Whether the page draws an image (forms nested up to IMAGE_DEPTH levels), and its vector path segments
    (up to PATH_DEPTH levels, at most RULE_SEGMENT_CAP: the table step opens only ruled pages).

    One walk over pdfium's raw objects: pypdfium2's `get_objects` wraps each object in a Python object, and
    two of its walks (images, paths) were a tenth of a born-digital page's reading time."""
    has_image, segments = False, 0
    forms: list[tuple[object | None, int]] = [(None, 0)]
    while forms and not (has_image and segments >= RULE_SEGMENT_CAP):
        form, level = forms.pop()
        if form is None:
            count, get = pdfium_c.FPDFPage_CountObjects(page.raw), functools.partial(pdfium_c.FPDFPage_GetObject,
                                                                                      page.raw)
        else:
            count, get = pdfium_c.FPDFFormObj_CountObjects(form), functools.partial(pdfium_c.FPDFFormObj_GetObject,
                                                                                     form)
        for index in range(max(count, 0)):
            obj = get(index)
            if not obj:
                continue
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                has_image = has_image or level < IMAGE_DEPTH
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                if segments < RULE_SEGMENT_CAP:
                    segments += max(pdfium_c.FPDFPath_CountSegments(obj), 0)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level + 1 < PATH_DEPTH:
                forms.append((obj, level + 1))
    return has_image, min(segments, RULE_SEGMENT_CAP)


def read_text_layer(pdf: pdfium.PdfDocument, check: PageCheck | None = None) -> list[Page]:
    """Every page's text layer (possibly empty) and whether it carries an image to OCR; `check` sees each
    page first."""
    pages: list[Page] = []
    for number, page in enumerate(pdf, start=1):
        try:
            if check is not None:
                check(number, page)
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            lines = _layout_lines(textpage, text, number, page.get_height())
            textpage.close()
            has_image, rule_segments = drawn_objects(page)
        finally:
            page.close()
        plain = "\n".join(line.text for line in lines)
        pages.append(Page(number=number, text=plain, raw_text=plain, source="text", lines=tuple(lines),
                          has_image=has_image, rule_segments=rule_segments))
    return pages


def visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())
