"""OCR noise at the end of a row, taken off before the row is parsed.

Tesseract reads a speck of dust or a bit of a rule beside the text as a glyph of its own, and it lands at the
end of the line as a token of one character: 'Indstilling .' (so the heading is no longer a heading),
'Fraværende: Ingen. | |', 'sognet. i' (a speck read as the letter i after the paragraph's last full stop).
Only rows without type styles get this (OCR output or plain text): a text layer's words are what was printed.
"""
from __future__ import annotations

import re

# lone marks after a word: ' .', ' |', " '", ' ‘', ' ,' (one or more such tokens, each after a space)
_TRAILING_MARKS = re.compile(r"(?:\s+[|.,'`´‘’¦_~]+)+$")
# a lone 'i', 'l' or 'I' after a sentence's full stop at a paragraph's end (a real 'i' would go on below)
_TRAILING_LETTER = re.compile(r"(?<=[.!?])\s+[ilI|]$")


def without_trailing_specks(text: str, paragraph_ends: bool) -> str:
    """`text` without the one-character tokens a speck leaves at its end; a lone letter after a full stop only
    where the paragraph ends on this row (mid-paragraph 'kr. i' goes on 'et år' in the next row)."""
    cleaned = _TRAILING_MARKS.sub("", text)
    if paragraph_ends:
        cleaned = _TRAILING_LETTER.sub("", cleaned)
        cleaned = _TRAILING_MARKS.sub("", cleaned)
    return cleaned or text
