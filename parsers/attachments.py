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
_INTRO = re.compile(r"^(?:links? til|se bilag|bilag|ingen(?: bilag)?\.?)\s*:?$", re.IGNORECASE)
# eDoc: '2012-208960 - Title' (document number first)
_DOC_NUMBER_FIRST = re.compile(r"^\d{4}\s?[-–]\s?\d{3,7}\s+[-–]\s+")
# Acadre: '1 Åben Opsamlingsnotat. Temamøde 20.09.2012 222359/12' (running number, access, title, document number)
_ACADRE = re.compile(r"^\d{1,3}\s+(?:Åben|Lukket)\s+(?P<title>.+?)(?:\s+\d{2,7}/\d{2})?$")
_SUB_ITEM = re.compile(r"^[a-zæøå][.)]\s")  # 'c. Konference ...': the next sub-item of a Meddelelser item


def clean_title(text: str) -> str:
    """The attachment's title without the archive's running and document numbers."""
    acadre = _ACADRE.match(text)
    if acadre:
        return acadre.group("title").strip()
    return _DOC_NUMBER_FIRST.sub("", text).strip()


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
        numbered = sum(bool(_DOC_NUMBER_FIRST.match(r.text)) for r in rows) > 0
        for row in rows:
            text = unlink(row.text).strip()
            if _SUB_ITEM.match(text):
                break  # the attachments of this sub-item end where the next sub-item begins
            if not text or _INTRO.match(text):
                continue
            own_start = bool(_DOC_NUMBER_FIRST.match(text) or _ACADRE.match(text))
            if numbered and titles and previous and not own_start:
                titles[-1].append(text)  # every title starts with its document number: this row wraps on
            elif titles and previous and not own_start and _continues(previous, row):
                titles[-1].append(text)
            else:
                titles.append([text])
            previous = join_lines(titles[-1])
        previous = ""
    return tuple(clean_title(join_lines(t)) for t in titles)
