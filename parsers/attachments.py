"""Attachments: the lines of a Bilag section, one per attachment, wrapped titles joined back.

A `Links til:` intro is not an attachment; markdown links are reduced to their text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.layout import Row
from parsers.normalize import join_lines
from parsers.sections import unlink

_OPEN_END = re.compile(r"\b(?:og|i|for|til|af|på|pa|med|om|fra|ved|under|efter|mellem)$")  # title goes on
_INTRO = re.compile(r"^(?:links? til|se bilag|bilag)\s*:?$", re.IGNORECASE)


def _continues(previous: str, row: Row) -> bool:
    """Is this row the rest of the attachment title above it?"""
    text = row.text
    if previous.count("(") > previous.count(")"):
        return True  # '... (tiltrådt' / 'af KKR Hovedstaden 18. juni 2025)'
    if row.para_start:
        return False
    if re.search(r"[-,/&]$", previous) or _OPEN_END.search(previous):
        return True
    return bool(re.match(r"[a-zæøå(]", text)) or bool(re.fullmatch(r"[\d.,)–-]{1,6}", text))


def attachments(bilag_sections: Sequence[Sequence[Row]]) -> tuple[str, ...]:
    titles: list[list[str]] = []
    for rows in bilag_sections:
        previous = ""
        for row in rows:
            text = unlink(row.text).strip()
            if not text or _INTRO.match(text):
                continue
            if titles and previous and _continues(previous, row):
                titles[-1].append(text)
            else:
                titles.append([text])
            previous = join_lines(titles[-1])
        previous = ""
    return tuple(join_lines(t) for t in titles)
