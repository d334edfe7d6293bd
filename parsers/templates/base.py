"""What a template is: a frozen record of what one agenda system prints its own way.

The shared parser reads layout (bold, size, gaps, numbering); a template adds the patterns that only
its system prints: how a case number row looks, its page furniture, how an attachment line is
numbered, and the markers that tell its documents apart (`score`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

MARKER_ROWS = 400  # a system shows its markers in the first pages


class HasText(Protocol):
    text: str


@dataclass(frozen=True, slots=True)
class Template:
    """One agenda system. Every pattern is matched against a whole cleaned row (`re.match`)."""

    name: str  # as exported in meeting.template: 'kl-prepare', 'firstagenda', 'edoc', 'acadre', 'sbsys', 'generic'
    case_numbers: tuple[re.Pattern[str], ...]  # rows that anchor an item; groups 'case', optional 'initials'
    markers: tuple[re.Pattern[str], ...]  # rows only this system prints; each one found adds to the score
    headings: Mapping[str, str] = field(default_factory=dict)  # its own heading words -> canonical section
    decision_headings: tuple[re.Pattern[str], ...] = ()  # rows that open the decision, besides 'Beslutning'
    furniture: tuple[re.Pattern[str], ...] = ()  # running headers/footers printed on every page
    attachment_prefix: tuple[re.Pattern[str], ...] = ()  # numbering before an attachment title, removed
    ignore: tuple[re.Pattern[str], ...] = ()  # metadata rows under an item heading that are no body text
    # (member-list headings are one shared list in parsers/participants.py: every system uses the same words)

    def score(self, rows: Sequence[HasText]) -> float:
        """Share of this system's markers found in the first rows (0 for the generic template)."""
        if not self.markers:
            return 0.0
        texts = [r.text for r in rows[:MARKER_ROWS]]
        found = sum(any(m.match(t) for t in texts) for m in self.markers)
        return found / len(self.markers)

    def case_match(self, text: str) -> re.Match[str] | None:
        for pattern in self.case_numbers:
            match = pattern.match(text)
            if match:
                return match
        return None

    def is_furniture(self, text: str) -> bool:
        return any(p.match(text) for p in self.furniture)

    def clean_attachment(self, text: str) -> str:
        for pattern in self.attachment_prefix:
            match = pattern.match(text)
            if match:
                return (match.group("title") if "title" in pattern.groupindex else text[match.end():]).strip()
        return text.strip()


def verbose(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, re.VERBOSE | flags)
