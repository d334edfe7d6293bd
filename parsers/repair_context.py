"""Repairs that need the neighbouring text, not just the word: '|' for I/i, party letters, item numbers."""
from __future__ import annotations

import re

# Party letters in '(X)' after a name; what an OCR without Danish makes of '(Ø)'.
_PARTY_OE = frozenset({"&", "@", "J", "9", "d", "0", "G", "g"})
_PARTY = re.compile(r"^\((.)\)([,.;:]?)$")
_SENTENCE_END = (".", "!", "?", ":")
_LIST_MARK = re.compile(r"^\(?(\d{1,2}|[a-zA-Z])\)$")  # '3)' '(a)'
_BULLETS = frozenset({"-", "–", "—", "•", "·", "*", "o"})


def fix_party_letter(token: str) -> str | None:
    """'(&)' / '(@)' / '(J)' / '(9)' / '(d)' -> '(Ø)': no Danish party has those letters, Enhedslisten is Ø."""
    match = _PARTY.match(token)
    if match and match.group(1) in _PARTY_OE:
        return f"(Ø){match.group(2)}"
    return None


def sentence_start(prev_token: str, gap: str) -> bool:
    """Does the token after `gap` start a sentence (or a heading, a list line)? A capital there says nothing
    about names. A single line break after a word is usually a wrapped sentence; a blank line is not."""
    if not prev_token or prev_token.endswith(_SENTENCE_END) or prev_token in _BULLETS or "\n\n" in gap:
        return True
    if _LIST_MARK.match(prev_token):
        return True
    return "\n" in gap and not (prev_token[-1].isalpha() or prev_token[-1] in ",-")


def pipe_word(prev_token: str, next_token: str, at_start: bool) -> str | None:
    """A lone '|' before a word is the word I/i ('| juni' = 'I juni'); capital at a sentence or line start."""
    if not next_token or not next_token[0].isalpha():
        return None
    return "I" if at_start else "i"


_JOINERS = frozenset({"og", "eller", "samt", "til", "som", "end"})


def is_line_break_hyphen(token: str, next_token: str, gap: str) -> bool:
    """'gennemfg-' + newline + 'relse': one word broken at the line end (not 'Børne-' 'og')."""
    if not token.endswith("-") or "\n" not in gap or len(token) < 3 or not token[-2].isalpha():
        return False
    first = next_token[0]
    word = next_token.strip(".,;:()\"'!?’”“").split("-")[0].lower()
    return (first.islower() or first in "@&") and word not in _JOINERS


_GROUP = re.compile(r"^\s*(\d{1,2})\.(?:\s|$)")
_SUBITEM = re.compile(r"^\s*(\d{1,2})\.\d{1,2}\.?(?:\s|$)")
_DATE_AFTER = re.compile(
    r"\s*(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|\d)", re.IGNORECASE)
_MERGED = re.compile(r"^(\s*)(\d)(\d)\.(?=\s|$)")


def fix_item_numbers(text: str) -> tuple[str, int]:
    """'21.' -> '2.1.' when the OCR dropped the dot of a sub-item number.

    Only on a line that starts with two digits and a dot, in a document that numbers its items 'x.y.',
    right under group 'x.' (the last group heading seen, not before the last 'x.y.' item), and when 'xy.'
    does not continue a plain list (no line 'xy-1.' just before it). Renumbering anything else would break
    real item numbers like '21.'."""
    lines = text.split("\n")
    if sum(1 for line in lines if _SUBITEM.match(line)) < 2:
        return text, 0
    group: str | None = None
    last_plain: int | None = None
    last_sub = 0
    fixed = 0
    for i, line in enumerate(lines):
        sub = _SUBITEM.match(line)
        if sub:
            last_plain, last_sub = None, int(sub.group(1))
            continue
        merged = _MERGED.match(line)
        if merged and _DATE_AFTER.match(line[merged.end():]):
            merged = None  # '11. april 2025' is a date
        if (merged and group == merged.group(2) and int(group) >= last_sub
                and last_plain != int(merged.group(2) + merged.group(3)) - 1):
            lines[i] = f"{merged.group(1)}{merged.group(2)}.{merged.group(3)}.{line[merged.end():]}"
            fixed += 1
            continue
        heading = _GROUP.match(line)
        if heading:
            number = int(heading.group(1))
            if last_plain is not None and number == last_plain + 1:
                last_plain = number
            else:
                group, last_plain = heading.group(1), number
    return "\n".join(lines), fixed
