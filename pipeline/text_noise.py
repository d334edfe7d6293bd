"""A text layer that decodes to garbage: code points no Danish document is written in.

A damaged content stream or a font without a usable ToUnicode map gives text of scattered code points of other
scripts and control characters ('ᘀЀࠀȀ'). Such a page is read by OCR instead (pipeline/steps.pages_to_ocr), and
of two versions of a meeting's document the noisier never leads the merge (pipeline/merge.py).
"""
from __future__ import annotations

import re

# what a Danish document's text is made of: Latin letters, digits, punctuation, symbols of the General Punctuation
# to Dingbats blocks (dashes, quotes, bullets, €, arrows, box drawing), the Latin ligatures, U+F000-U+F0FF (the
# private-use codes Word gives a Symbol-font bullet: U+F0B7) and U+FFFE (pdfium's mark for a hyphen that breaks a
# word at the end of a line); this matches any other character (a clean text has none, so counting them makes no
# list of its every character, as counting the allowed ones did: 15 ms a document, now 1)
_FOREIGN_CHARS = re.compile(r"[^\s\u0020-\u024f\u2000-\u27bf\uf000-\uf0ff\ufb00-\ufb06\ufffe]")


def text_noise(text: str) -> int:
    """Per mille (0 to 9, capped) of the characters of `text` outside what Danish text is written in.

    A damaged PDF's text layer decodes to scattered code points of other scripts and control characters
    ('ᘀЀࠀȀ' from a byte-flipped stream); a clean born-digital or OCR'd text scores 0, so of two versions of
    a meeting's document the one with the garbled layer never leads the merge or holds the sections."""
    return min(9, _foreign(text) * 1000 // len(text)) if text else 0


def _foreign(text: str) -> int:
    """How many characters of `text` are outside what Danish text is written in."""
    return len(_FOREIGN_CHARS.findall(text))


GARBLED_PER_MILLE = 10  # a page with at least 1 % such characters (and GARBLED_MIN of them) is read by OCR
GARBLED_MIN = 20


def garbled(text: str) -> bool:
    """Whether a page's text layer is too garbled to use (clean Danish pages have no such character at all)."""
    foreign = _foreign(text)
    return foreign >= GARBLED_MIN and foreign * 1000 >= GARBLED_PER_MILLE * len(text)
