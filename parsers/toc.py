"""The table of contents: `3.7.<TAB>Title ....<TAB>24` rows before the first item.

Its rows look like item headings, so they are found first and kept out of item detection;
its numbers and titles also help to number items whose label OCR lost.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.layout import Row
from parsers.model import TocEntry
from parsers.normalize import join_lines

_ENTRY = re.compile(r"^(?:punkt\s+)?(?P<num>\d+(?:\.\d+)*)[.:]?\s+(?P<title>.+?)[\s.…]*\s(?P<page>\d{1,3})$",
                    re.IGNORECASE)
_UNNUMBERED = re.compile(r"^(?P<title>\S.+?)(?:\.{4,}|…{2,})[\s.…]*(?P<page>\d{1,3})?$")
_TAIL = re.compile(r"^(.+?)[\s.…]*\s(\d{1,3})$")
_START = re.compile(r"^(?:punkt\s+)?(\d+(?:\.\d+)*)[.:]?\s+(.+)$", re.IGNORECASE)
_HEADER = re.compile(r"^(indholdsfortegnelse|indhold)$", re.IGNORECASE)
MIN_ENTRIES = 3


@dataclass(frozen=True, slots=True)
class Toc:
    entries: tuple[TocEntry, ...]
    rows: frozenset[int]  # indices of the rows that belong to the toc


def _clean_title(title: str) -> str:
    return re.sub(r"[\s.…]+$", "", title).strip()


def find_toc(rows: Sequence[Row], stop: int) -> Toc:
    """Toc entries among rows[:stop] (stop = the first item's row): a run of numbered rows with page numbers,
    or dot-leader rows after an 'Indholdsfortegnelse' heading."""
    entries: list[TocEntry] = []
    used: set[int] = set()
    after_header = False
    pending: tuple[str, str, int] | None = None  # a title wrapped over rows: '6. Prioritering ... for' / 'ældre 10'
    for i, row in enumerate(rows[:stop]):
        text = row.text
        if _HEADER.match(text):
            after_header = True
            used.add(i)
            continue
        match = _ENTRY.match(text)
        if match:
            entries.append(TocEntry(number=match.group("num"), title=_clean_title(match.group("title")),
                                    page=int(match.group("page"))))
            used.add(i)
            pending = None
            continue
        tail = _TAIL.match(text)
        if pending and tail and pending[2] == i - 1:
            entries.append(TocEntry(number=pending[0], title=join_lines([pending[1], _clean_title(tail.group(1))]),
                                    page=int(tail.group(2))))
            used.update({i - 1, i})
            pending = None
            continue
        start = _START.match(text)
        if start and (entries or after_header):
            pending = (start.group(1), start.group(2), i)
            continue
        unnumbered = _UNNUMBERED.match(text) if after_header else None
        if unnumbered:
            entries.append(TocEntry(number=str(len(entries) + 1), title=_clean_title(unnumbered.group("title")),
                                    page=int(unnumbered.group("page")) if unnumbered.group("page") else None))
            used.add(i)
    if len(entries) < MIN_ENTRIES:
        return Toc(entries=(), rows=frozenset())
    return Toc(entries=tuple(entries), rows=frozenset(used))
