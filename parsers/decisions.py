"""Who decided and when, from a Beslutning heading.

Minutes often carry earlier decisions of the same case under their own headings
(`Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 24-04-2013`,
`Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2`); the date and body
there are the decision's, not the meeting's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {"januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7, "august": 8,
          "september": 9, "oktober": 10, "november": 11, "december": 12}
_NUMERIC = re.compile(r"\b(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORDS = re.compile(r"\b(\d{1,2})\.?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
# 'Beslutning i <body> den ...', 'Beslutning fra <body> ...'
_BODY_AFTER = re.compile(r"^beslutning(?:er)?\s+(?:i|fra|af)\s+(.+?)(?:\s+(?:den|d\.)\s|\s+\d|$)", re.IGNORECASE)
# '<body>s beslutning den ...'
_BODY_BEFORE = re.compile(r"^(.+?)s?\s+beslutning(?:er)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decision:
    decided_on: str | None  # ISO date
    decided_by: str | None


def heading_date(text: str) -> str | None:
    """The first date written in `text`, as ISO 8601; None if there is none (or it is no calendar date)."""
    found: list[tuple[int, int, int, int]] = []  # (position, year, month, day)
    for match in _ISO.finditer(text):
        found.append((match.start(), int(match[1]), int(match[2]), int(match[3])))
    for match in _NUMERIC.finditer(text):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        found.append((match.start(), year, int(match[2]), int(match[1])))
    for match in _WORDS.finditer(text):
        found.append((match.start(), int(match[3]), MONTHS[match[2].lower()], int(match[1])))
    for _, year, month, day in sorted(found):
        if 1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2100:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def heading_body(text: str) -> str | None:
    """The deciding body a heading names, e.g. 'Udvalget for plan, udvikling og kultur (PUK)'."""
    flat = " ".join(text.split()).rstrip(":")
    match = _BODY_AFTER.match(flat)
    if match:
        body = match.group(1).strip(" ,:")
        return body or None
    match = _BODY_BEFORE.match(flat)
    if match and not flat.lower().startswith("beslutning"):
        return match.group(1).strip(" ,:") or None  # the genitive s is left to the pattern's `s?`
    return None


def decision_of(heading: str | None, meeting_date: str | None, meeting_body: str | None) -> Decision:
    """The heading's date and body where it says them, else the meeting's."""
    if not heading:
        return Decision(decided_on=meeting_date, decided_by=meeting_body)
    return Decision(decided_on=heading_date(heading) or meeting_date, decided_by=heading_body(heading) or meeting_body)
