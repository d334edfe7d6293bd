"""Which words of a page or snippet to highlight for a query, decided with the index's own stems.

Snippets come from the index with matches marked `[[word]]`; they are escaped first and only then
turned into `<mark>`, so text from a PDF can never become markup. Page boxes are fractions 0..1 of the
page (origin top-left), from the PDF's text layer or from stored OCR word boxes.
"""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from index.analysis import iter_words
from index.model import SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN, QuerySyntaxError
from index.query import parse_query
from index.snippet import Highlight, highlight_for

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions, origin top-left


def snippet_html(snippet: str) -> Markup:
    """`... [[lærepladser]] ...` -> escaped text with `<mark>lærepladser</mark>`."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(SNIPPET_MARK_OPEN, "<mark>").replace(SNIPPET_MARK_CLOSE, "</mark>"))


def query_highlight(query: str | None) -> Highlight | None:
    """The words a query would mark, or None for no query or one that does not parse."""
    if not query or not query.strip():
        return None
    try:
        highlight = highlight_for(parse_query(query))
    except QuerySyntaxError:
        return None
    return highlight if highlight.keys or highlight.prefixes else None


def matching_words(text: str, highlight: Highlight) -> list[str]:
    """Distinct words of `text` (as written) that the query matches."""
    seen: dict[str, None] = {}
    for span in iter_words(text):
        if highlight.matches(span.word):
            seen.setdefault(text[span.start:span.end], None)
    return list(seen)


def ocr_word_boxes(words: Iterable[tuple[str, float, float, float, float]], highlight: Highlight) -> list[Box]:
    """Boxes of stored OCR words (text, x0, y0, x1, y1) that the query matches; punctuation is ignored."""
    boxes: list[Box] = []
    for text, x0, y0, x1, y1 in words:
        if any(highlight.matches(span.word) for span in iter_words(text)):
            boxes.append(_clamp((x0, y0, x1, y1)))
    return boxes


def text_layer_boxes(textpage, width: float, height: float, highlight: Highlight) -> list[Box]:  # noqa: ANN001
    """Boxes of matched words in a pypdfium2 text page, as fractions of the page (origin top-left)."""
    boxes: list[Box] = []
    text = textpage.get_text_range()
    for word in matching_words(text, highlight):
        searcher = textpage.search(word, match_case=False, match_whole_word=True)
        while (found := searcher.get_next()) is not None:
            index, count = found
            for k in range(textpage.count_rects(index, count)):
                left, bottom, right, top = textpage.get_rect(k)
                boxes.append(_clamp((left / width, 1 - top / height, right / width, 1 - bottom / height)))
    return boxes


def _clamp(box: Box) -> Box:
    x0, y0, x1, y1 = (min(1.0, max(0.0, v)) for v in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def marked_paragraphs(text: str | None, highlight: Highlight | None) -> Markup:
    """Section text as escaped `<p>` paragraphs, the query's words in `<mark>` (the item page's reading view)."""
    out: list[str] = []
    for para in (p.strip() for p in (text or "").split("\n")):
        if not para:
            continue
        if highlight is None:
            out.append(f"<p>{escape(para)}</p>")
            continue
        parts, cursor = [], 0
        for span in iter_words(para):
            if highlight.matches(span.word):
                parts.append(str(escape(para[cursor:span.start])))
                parts.append(f"<mark>{escape(para[span.start:span.end])}</mark>")
                cursor = span.end
        parts.append(str(escape(para[cursor:])))
        out.append(f"<p>{''.join(parts)}</p>")
    return Markup("".join(out))
