"""Highlight and formatting helpers of the reading room, on hand-made inputs and a real PDF page."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from tests.web_archive import BORN_DIGITAL
from web.highlight import (
    marked_paragraphs,
    matching_words,
    ocr_word_boxes,
    query_highlight,
    snippet_html,
    text_layer_boxes,
)
from web.i18n import format_date, pick_language
from web.queries import decided, parse_words


def test_snippet_marks_become_mark_elements_after_escaping() -> None:
    html = str(snippet_html('<script>alert(1)</script> om [[lærepladser]] & "[[SOSU]]"'))
    assert html == ('&lt;script&gt;alert(1)&lt;/script&gt; om <mark>lærepladser</mark> &amp; '
                    '&#34;<mark>SOSU</mark>&#34;')


def test_query_highlight_uses_the_index_stems() -> None:
    highlight = query_highlight("læreplads -flygtninge")
    assert highlight is not None
    assert matching_words("Flere lærepladser, men ingen flygtninge; Lærepladsen", highlight) == \
        ["lærepladser", "Lærepladsen"]
    assert query_highlight("laerepladser").matches("lærepladser")  # ASCII spelling
    assert query_highlight("sundhed*").matches("sundhedsuddannelserne")
    assert query_highlight("(") is None and query_highlight("") is None and query_highlight("-alene") is None


def test_ocr_word_boxes_of_a_hand_made_page() -> None:
    words = parse_words('[["Fordeling", 0.1, 0.1, 0.3, 0.12], ["af", 0.31, 0.1, 0.34, 0.12], '
                        '["lærepladser,", 0.35, 0.1, 0.6, 0.12], ["LÆREPLADSER", 0.1, 0.5, 0.4, 0.52], '
                        '["bad"], ["x", "a", 0, 0, 0], ["Hillerød", -0.2, 0.9, 1.3, 0.95]]')
    assert len(words) == 5  # malformed entries dropped
    boxes = ocr_word_boxes(words, query_highlight("lærepladser"))
    assert boxes == [(0.35, 0.1, 0.6, 0.12), (0.1, 0.5, 0.4, 0.52)]
    assert ocr_word_boxes(words, query_highlight("hillerød")) == [(0.0, 0.9, 1.0, 0.95)]  # clamped to the page
    assert parse_words(None) == () and parse_words("not json") == () and parse_words({"a": 1}) == ()


def test_text_layer_boxes_on_a_born_digital_page() -> None:
    pdf = pdfium.PdfDocument(str(BORN_DIGITAL))
    try:
        page = pdf[14]  # page 15: item 3.7's Baggrund
        width, height = page.get_size()
        boxes = text_layer_boxes(page.get_textpage(), width, height, query_highlight("lærepladser"))
        assert len(boxes) >= 5
        for x0, y0, x1, y1 in boxes:
            assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1 and (y1 - y0) < 0.03  # one line high
        assert text_layer_boxes(page.get_textpage(), width, height, query_highlight("kvantecomputer")) == []
    finally:
        pdf.close()


@pytest.mark.parametrize(("value", "lang", "expected"), [
    ("2025-10-24", "da", "24. oktober 2025"), ("2013-04-10", "da", "10. april 2013"),
    ("2025-10-24", "en", "24 October 2025"), (None, "da", "ukendt dato"), ("2025-13-45", "da", "2025-13-45"),
])
def test_danish_dates(value: str | None, lang: str, expected: str) -> None:
    assert format_date(value, lang) == expected


def test_language_choice() -> None:
    assert pick_language(None, []) == "da"
    assert pick_language("en", [("da", 1.0)]) == "en"
    assert pick_language("xx", [("de", 1.0), ("en-GB", 0.8)]) == "en"
    assert pick_language(None, [("fr", 1.0)]) == "da"


def test_decision_dates_are_the_merges_not_a_second_parse() -> None:
    """What the merge stored wins over the heading; a section stored before the merge existed gets the merge's
    own rule (parsers.decisions), never a second parser of the web's."""
    heading = "Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 10-04-2013"
    assert decided(heading, "2013-04-24", "Byrådet", "2013-06-20", "PUK") == ("2013-04-24", "Byrådet")
    assert decided(heading, None, None, "2013-06-20", "PUK") == (
        "2013-04-10", "Udvalget for plan, udvikling og kultur (PUK)")
    assert decided("Beslutning", None, None, "2013-06-20", "PUK") == ("2013-06-20", "PUK")
    assert decided("Beslutning den 31.12.2012", None, None, None, None) == ("2012-12-31", None)


def test_marked_paragraphs_escape_and_mark() -> None:
    html = str(marked_paragraphs("Om <b>lærepladser</b>\n\nFlere Lærepladser.", query_highlight("læreplads")))
    assert html == "<p>Om &lt;b&gt;<mark>lærepladser</mark>&lt;/b&gt;</p><p>Flere <mark>Lærepladser</mark>.</p>"
    assert str(marked_paragraphs("a < b", None)) == "<p>a &lt; b</p>"
