"""OCR noise at the end of a row, taken off before the row is parsed.

Tesseract reads a speck of dust or a bit of a rule beside the text as a glyph of its own, and it lands at the
end of the line as a token of one character: 'Fraværende: Ingen. | |', 'sognet. i' (a speck read as the letter
i after the paragraph's last full stop); a full stop set apart from its word ('Indstilling .') joins it again.
Item numbers at a row's start are read with the usual confusions ('Pkt. l.' for 'Pkt. 1.', '1O.' for '10.',
'2!' for '2.'): mended where the context says it is a number (a digit in it, or 'Pkt.'/'Punkt' before it).
Only rows without type styles get this (OCR output or plain text): a text layer's words are what was printed.
"""
from __future__ import annotations

import re

# lone marks after a word: ' |', " '", ' ‘' (one or more such tokens, each after a space)
_TRAILING_MARKS = re.compile(r"(?:\s+[|'`´‘’¦_~]+)+$")
# a full stop or comma OCR set apart from its word: 'Region Østdanmark .' is 'Region Østdanmark.'
_DETACHED_STOP = re.compile(r"(?<=\w)\s+([.,])$")
# a lone 'i', 'l' or 'I' after a sentence's full stop at a paragraph's end (a real 'i' would go on below)
_TRAILING_LETTER = re.compile(r"(?<=[.!?])\s+[ilI|]$")


def without_trailing_specks(text: str, paragraph_ends: bool) -> str:
    """`text` without the one-character tokens a speck leaves at its end; a lone letter after a full stop only
    where the paragraph ends on this row (mid-paragraph 'kr. i' goes on 'et år' in the next row)."""
    cleaned = _DETACHED_STOP.sub(r"\1", _TRAILING_MARKS.sub("", text))
    if paragraph_ends:
        cleaned = _TRAILING_LETTER.sub("", cleaned)
        cleaned = _DETACHED_STOP.sub(r"\1", _TRAILING_MARKS.sub("", cleaned))
    return cleaned or text


# an item number at the row's start, read with OCR's confusions, before a title: 'Pkt. l. FORHANDLINGS...', '1O. Budget'
_NUMBER_START = re.compile(r"""^(?P<label>(?:Pkt\.?|Punkt|Sag\s+nr\.?)\s*)?
                               (?P<num>[\dlI|Oo]{1,3})(?P<sep>[.:!,])?(?P<space>\s+)(?=[A-ZÆØÅ"(])""", re.VERBOSE)
_DIGIT_FOR = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"})


def mended_number(text: str) -> str:
    """'Pkt. l. Title' -> 'Pkt. 1. Title', '1O. Title' -> '10. Title', '2! Title' -> '2. Title'; 'I. Indledning'
    (a Roman numeral, no digit and no label) is left as printed."""
    match = _NUMBER_START.match(text)
    if not match:
        return text
    num, sep, label = match.group("num"), match.group("sep") or "", match.group("label") or ""
    if num.isdigit() and sep not in "!,":
        return text
    if not (label or any(ch.isdigit() for ch in num)) or (sep == "," and not label):
        return text  # 'I. Indledning'; '3, Title' may be a list in a sentence
    fixed = num.translate(_DIGIT_FOR)
    if len(fixed) > 1 and fixed.startswith("0"):
        return text
    return f"{label}{fixed}{'.' if sep in '!,' else sep}{match.group('space')}{text[match.end():]}"
