"""What a search takes and gives back: engine-neutral, frozen records."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Self

SNIPPET_MARK_OPEN = "[["
SNIPPET_MARK_CLOSE = "]]"
"""Matched words in `Hit.snippet` are wrapped as `[[word]]` (plain text, safe for terminals and JSON)."""

FACET_FIELDS: tuple[str, ...] = ("kind", "body", "year", "section", "municipality", "closed")
SORTS: tuple[str, ...] = ("relevance", "date", "-date")
"""`date` oldest first, `-date` newest first (undated records last in both); hits sorted by date score 0."""


class QuerySyntaxError(ValueError):
    """The user's query (or a filter value) cannot be understood; the message says why, for humans."""


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrictions applied on top of the query. Text filters match case-insensitively.

    `body` matches when all its words occur in the body name (`hovedstaden` matches `KKR Hovedstaden`).
    Dates are ISO strings or `date`s, both ends inclusive; sections without a date are left out when a
    date bound is given. With `section` Beslutning the dates bound the decision date (`decided_on`, else the
    meeting's date). `closed` True keeps closed items only, False open ones; `municipality` matches like `body`.
    """

    section: str | None = None
    kind: str | None = None
    body: str | None = None
    date_from: date | str | None = None
    date_to: date | str | None = None
    case_number: str | None = None
    closed: bool | None = None
    municipality: str | None = None


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
    item_id: str | None = None
    municipality: str | None = None
    closed: bool = False
    decided_on: str | None = None
    decided_by: str | None = None
    also_in: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The `search --json` hit: the contract's keys first, then the ones added since."""
        return {"meeting_id": self.meeting_id, "date": self.date, "kind": self.kind, "body": self.body,
                "item_number": self.item_number, "item_title": self.item_title, "section": self.section,
                "page": self.page, "score": round(self.score, 4), "snippet": self.snippet,
                "item_id": self.item_id, "case_number": self.case_number, "municipality": self.municipality,
                "closed": self.closed, "decided_on": self.decided_on, "decided_by": self.decided_by,
                "also_in": list(self.also_in)}


@dataclass(frozen=True, slots=True)
class SearchResult:
    """`total` counts matching sections (or distinct items when searched with `per_item`).

    `facets` maps facet name (kind, body, year, section) to value -> number of matching sections.
    """

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    offset: int = 0
    sort: str = "relevance"

    def as_json(self) -> dict[str, object]:
        return {"query": self.query, "total": self.total, "offset": self.offset, "sort": self.sort,
                "facets": self.facets, "hits": [h.as_json() for h in self.hits]}


def facet_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """One facet's counts as every engine returns them: empty values dropped, largest first, then by value."""
    return dict(sorted(((k, v) for k, v in counts.items() if k != ""), key=lambda kv: (-kv[1], kv[0])))


class ClosesOnExit:
    """`with open_index(...) as index:` closes the index however the block ends; every engine shares it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
