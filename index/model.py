"""What a search takes and gives back: engine-neutral, frozen records."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SNIPPET_MARK_OPEN = "[["
SNIPPET_MARK_CLOSE = "]]"
"""Matched words in `Hit.snippet` are wrapped as `[[word]]` (plain text, safe for terminals and JSON)."""

FACET_FIELDS: tuple[str, ...] = ("kind", "body", "year", "section")


class QuerySyntaxError(ValueError):
    """The user's query (or a filter value) cannot be understood; the message says why, for humans."""


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrictions applied on top of the query. Text filters match case-insensitively.

    `body` matches when all its words occur in the body name (`hovedstaden` matches `KKR Hovedstaden`).
    Dates are ISO strings or `date`s, both ends inclusive; sections without a date are left out when a
    date bound is given.
    """

    section: str | None = None
    kind: str | None = None
    body: str | None = None
    date_from: date | str | None = None
    date_to: date | str | None = None
    case_number: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    meeting_id: str
    date: str | None
    kind: str
    body: str | None
    item_number: str | None
    item_title: str | None
    section: str
    page: int | None
    score: float
    snippet: str
    case_number: str | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class SearchResult:
    """`total` counts matching sections (or distinct items when searched with `per_item`).

    `facets` maps facet name (kind, body, year, section) to value -> number of matching sections.
    """

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
