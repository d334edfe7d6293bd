"""Page images: a PDF page rendered with pypdfium2, the query's words boxed, cached on disk.

The cache lives in the data folder (`cache/pages/<sha256>/`); file names are made only from the
document's hash (as stored in the database) and integers, never from request text.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from index.snippet import Highlight
from web.highlight import Box, ocr_word_boxes, text_layer_boxes
from web.queries import PageView

RENDER_SCALE = 1.5  # 108 dpi: readable on screen, ~150 KB a page
HIGHLIGHT_FILL = (255, 214, 0, 110)
HIGHLIGHT_OUTLINE = (180, 90, 0, 255)


def page_boxes(view: PageView, highlight: Highlight | None) -> list[Box]:
    """Boxes to draw: stored OCR word boxes where the page was OCR'd, else the PDF's text layer."""
    if highlight is None:
        return []
    if view.words:
        return ocr_word_boxes(view.words, highlight)
    if view.source == "ocr":
        return []  # an image without word boxes: nothing to place the highlight on
    with _open(view.pdf_path) as pdf:
        page = pdf[view.number - 1]
        width, height = page.get_size()
        return text_layer_boxes(page.get_textpage(), width, height, highlight)


def page_png(view: PageView, boxes: list[Box], cache_dir: Path) -> tuple[bytes, bool]:
    """PNG bytes of the page with boxes drawn, and whether it came from the cache."""
    key = hashlib.sha1(repr(sorted(boxes)).encode()).hexdigest()[:16] if boxes else "plain"
    folder = cache_dir / "pages" / view.sha256
    target = folder / f"{view.number}-{key}.png"
    if target.exists():
        return target.read_bytes(), True
    image = _base_image(view, folder)
    if boxes:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        w, h = image.size
        for x0, y0, x1, y1 in boxes:
            draw.rectangle((x0 * w - 2, y0 * h - 2, x1 * w + 2, y1 * h + 2), fill=HIGHLIGHT_FILL,
                           outline=HIGHLIGHT_OUTLINE, width=2)
        image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    data = _encode(image)
    _write_atomic(target, data)
    return data, False


def _base_image(view: PageView, folder: Path) -> Image.Image:
    plain = folder / f"{view.number}-plain.png"
    if plain.exists():
        return Image.open(io.BytesIO(plain.read_bytes())).convert("RGB")
    with _open(view.pdf_path) as pdf:
        image = pdf[view.number - 1].render(scale=RENDER_SCALE).to_pil().convert("RGB")
    _write_atomic(plain, _encode(image))
    return image


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)


class _open:
    """pypdfium2 document as a context manager (closed even when rendering fails)."""

    def __init__(self, path: Path) -> None:
        self.pdf = pdfium.PdfDocument(str(path))

    def __enter__(self) -> pdfium.PdfDocument:
        return self.pdf

    def __exit__(self, *exc: object) -> None:
        self.pdf.close()
