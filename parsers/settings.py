"""The parser's thresholds, in one frozen record (like `RepairSettings` for OCR repair)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParserSettings:
    front_matter_rows: int = 150  # without items, participants are only looked for in the first rows
    front_rows: int = 30  # the cover and header live in the first rows
    min_template_score: float = 0.5  # a known template must reach this score, else the generic one parses
    min_repeated_heading: int = 2  # a short 'Label:' row printed this often under items is a section heading
    max_heading_chars: int = 60  # a heading found by layout alone is at most this long
    min_visible_size: float = 4.0  # text set smaller than this (points) is hidden metadata, not page content
    min_people_rows: int = 3  # a run of this many 'Name (P), Kommune' rows is a member list without a heading


DEFAULT = ParserSettings()
