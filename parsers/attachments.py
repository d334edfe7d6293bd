"""Attachments: the lines of a Bilag section, one per attachment, wrapped titles joined back.

A `Links til:` intro is not an attachment; markdown links are reduced to their text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.layout import Row
from parsers.normalize import join_lines
from parsers.sections import unlink
from parsers.templates import GENERIC, Template

_OPEN_END = re.compile(r"\b(?:og|i|for|til|af|på|pa|med|om|fra|ved|under|efter|mellem)$")  # title goes on
_INTRO = re.compile(r"^(?:links? til|se bilag|bilag|ingen(?: bilag)?\.?)\s*:?$", re.IGNORECASE)
_SUB_ITEM = re.compile(r"^[a-zæøå][.)]\s")  # 'c. Konference ...': the next sub-item of a Meddelelser item


def _template(template: Template) -> Template:
    return template if template.attachment_prefix else GENERIC


def _numbered_title(text: str, template: Template) -> bool:
    """The row starts with the archive's document number: it begins an attachment title."""
    return any(p.match(text) for p in _template(template).attachment_prefix)


def clean_title(text: str, template: Template = GENERIC) -> str:
    """The attachment's title without the archive's running and document numbers."""
    return _template(template).clean_attachment(text)


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


def attachments(bilag_sections: Sequence[Sequence[Row]], template: Template = GENERIC) -> tuple[str, ...]:
    titles: list[list[str]] = []
    for rows in bilag_sections:
        previous = ""
        numbered = any(_numbered_title(r.text, template) for r in rows)
        for row in rows:
            text = unlink(row.text).strip()
            if _SUB_ITEM.match(text):
                break  # the attachments of this sub-item end where the next sub-item begins
            if not text or _INTRO.match(text):
                continue
            own_start = _numbered_title(text, template)
            if numbered and titles and previous and not own_start:
                titles[-1].append(text)  # every title starts with its document number: this row wraps on
            elif titles and previous and not own_start and _continues(previous, row):
                titles[-1].append(text)
            else:
                titles.append([text])
            previous = join_lines(titles[-1])
        previous = ""
    return tuple(clean_title(join_lines(t), template) for t in titles)
