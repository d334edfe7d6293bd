"""Text clean-up that every page goes through, whatever its source.

Unicode NFC, ligatures split, soft hyphens and pdfium's U+FFFE line-end marker handled,
line-end hyphenation joined (but compound hyphens kept), whitespace collapsed.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
})
# Characters that only mark a possible break: pdfium writes U+FFFE where a word was hyphenated
# at a line end, Word writes U+00AD (soft hyphen).
_BREAK_MARKS = ("\ufffe", "\u00ad")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f]")  # control characters below the space, the tab kept
# Words after which a trailing hyphen is a suspended compound ('Sundheds- og Forebyggelse').
_CONJUNCTIONS = frozenset({"og", "eller", "samt", "til", "som", "end", "&"})


# anything clean_line would change besides the ends: a ligature, a zero-width or break mark, a control character
# or tab, an odd space, two spaces in a row
_NEEDS_CLEANING = re.compile(r"[\ufb00-\ufb06\u200b-\u200d\u2060\ufeff\ufffe\u00ad\x00-\x1f"
                             r"\u00a0\u2000-\u200a\u202f\u205f\u3000]|  ")


def clean_line(line: str) -> str:
    """NFC, ligatures, odd spaces, control characters; no joining across lines."""
    if not _NEEDS_CLEANING.search(line) and unicodedata.is_normalized("NFC", line):
        return line.strip()  # most lines: nothing to do (the full clean-up was a tenth of parsing)
    line = unicodedata.normalize("NFC", line.translate(_LIGATURES))
    line = _ZERO_WIDTH.sub("", line)
    for mark in _BREAK_MARKS:
        # a break mark at the end of a line is a hyphen that was printed; inside a line it is invisible
        if line.rstrip().endswith(mark):
            line = line.rstrip()[:-1] + "-"
        line = line.replace(mark, "")
    line = _CONTROL.sub("", line)
    return _SPACES.sub(" ", line).strip()


def joins_without_hyphen(left: str, right: str) -> bool:
    """Is `left-` + `right` one word broken at the line end ('med-' 'lemmerne')?

    A hyphen stays when it is part of a compound: after an abbreviation or number
    ('KKR-formandskabet', '2025-2026'), before a capital ('Wedel-Brandt') or a
    conjunction ('Sundheds- og')."""
    stem = re.search(r"([\w]+)-$", left)
    if not stem or not right:
        return False
    head = stem.group(1)
    first = re.match(r"[\w]+", right)
    if not first:
        return False
    word = first.group(0)
    if word.lower() in _CONJUNCTIONS or not word[0].islower():
        return False
    if not head[-1].isalpha() or not head[-1].islower():
        return False
    return True


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph with single spaces, mending line-end hyphenation."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and joins_without_hyphen(out, line):
            out = out[:-1] + line
        elif out.endswith("-") and re.search(r"\w-$", out) and not re.match(r"(og|eller|samt)\b", line):
            out = out + line  # compound hyphen at a line end: 'KKR-' 'formandskabet'
        else:
            out = out + " " + line
    return out


def split_lines(text: str) -> list[str]:
    """Lines of a page; a break mark inside a line (pdfium drops the newline after it) splits it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\ufffe\u00ad](?=[^\\s])", "-\n", text)
    return text.split("\n")


def normalize_text(text: str) -> str:
    """Whole-text normalization for plain text: paragraphs kept (blank line), lines joined."""
    paragraphs: list[list[str]] = [[]]
    for raw in split_lines(text):
        line = clean_line(raw)
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(line)
    return "\n\n".join(join_lines(p) for p in paragraphs if p)
