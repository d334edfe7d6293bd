"""The search page's request: URL parameters checked into filters, one search, pages and sorting.

All state is in the URL. The index answers with one hit per item (`per_item`); sorting by date and
paging use the index's own `sort`/`offset` when it has them, else the hits are sorted here (the
index returns at most MAX_FETCH of them for that).
"""
from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

from index.model import Hit, SearchFilters, SearchResult
from pipeline.errors import UsageError

PER_PAGE = 20
MAX_FETCH = 1000
MAX_PAGE = MAX_FETCH // PER_PAGE
SORTS = ("relevance", "newest", "oldest")
FILTER_PARAMS = ("body", "municipality", "kind", "year", "section", "closed", "case")
FACET_ORDER = ("body", "municipality", "kind", "year", "section", "closed")
KINDS = ("dagsorden", "referat", "bilag", "andet")
CLOSED_VALUES = {"1": True, "true": True, "0": False, "false": False}  # the index's facet says "true"/"false"
NATIVE_SORT = {"relevance": "relevance", "newest": "-date", "oldest": "date"}  # the index's own sort names
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_MAX_TEXT = 300


class BadSearch(UsageError):
    """A parameter of the search page that cannot be used; shown as a 400 page."""

    hint = "ret adressen eller søg igen fra forsiden"


@dataclass(frozen=True, slots=True)
class SearchParams:
    q: str = ""
    body: str | None = None
    municipality: str | None = None
    kind: str | None = None
    year: str | None = None
    section: str | None = None
    closed: str | None = None  # "1" or "0"
    case: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1

    def active(self) -> dict[str, str]:
        """Filters set in the URL (facet values and dates), for the "remove filter" links."""
        out = {name: getattr(self, name) for name in FILTER_PARAMS if getattr(self, name)}
        if self.date_from:
            out["from"] = self.date_from
        if self.date_to:
            out["to"] = self.date_to
        return out

    def url_args(self) -> dict[str, str]:
        args = {"q": self.q, **self.active()}
        if self.sort != "relevance":
            args["sort"] = self.sort
        if self.page != 1:
            args["page"] = str(self.page)
        return {k: v for k, v in args.items() if v}


def _text(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if len(value) > _MAX_TEXT or "\x00" in value:
        raise BadSearch(f"parameteren {name} er for lang eller indeholder ugyldige tegn")
    return value or None


def _iso(args: Mapping[str, str], name: str) -> str | None:
    value = _text(args, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise BadSearch(f"{name}={value!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from err


def parse_params(args: Mapping[str, str]) -> SearchParams:
    """URL parameters -> SearchParams; anything unusable raises BadSearch (a 400 page)."""
    page_text = (args.get("page") or "1").strip()
    if not page_text.isdigit() or len(page_text) > 4 or not 1 <= int(page_text) <= MAX_PAGE:
        raise BadSearch(f"side {page_text[:20]!r} findes ikke (1-{MAX_PAGE})")
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise BadSearch(f"sortering {sort[:20]!r} findes ikke")
    kind = _text(args, "kind")
    if kind is not None and kind not in KINDS:
        raise BadSearch(f"typen {kind!r} findes ikke")
    year = _text(args, "year")
    if year is not None and not _YEAR.match(year):
        raise BadSearch(f"året {year!r} er ikke et årstal")
    closed = _text(args, "closed")
    if closed is not None and closed not in CLOSED_VALUES:
        raise BadSearch("closed skal være true eller false")
    params = SearchParams(q=_text(args, "q") or "", body=_text(args, "body"),
                          municipality=_text(args, "municipality"), kind=kind, year=year,
                          section=_text(args, "section"), closed=closed, case=_text(args, "case"),
                          date_from=_iso(args, "from"), date_to=_iso(args, "to"), sort=sort, page=int(page_text))
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise BadSearch("fra-datoen ligger efter til-datoen")
    return params


_FILTER_FIELDS = frozenset(f.name for f in fields(SearchFilters))
FILTERABLE = frozenset({"body", "kind", "year", "section"} | ({"municipality"} & _FILTER_FIELDS)
                       | ({"closed"} & _FILTER_FIELDS))
"""Facets a link can narrow by with the index at hand (municipality and closed once it has them)."""


def to_filters(params: SearchParams, with_dates: bool = True) -> SearchFilters:
    date_from, date_to = (params.date_from, params.date_to) if with_dates else (None, None)
    if params.year and with_dates:
        year_from, year_to = f"{params.year}-01-01", f"{params.year}-12-31"
        date_from = max(date_from or year_from, year_from)
        date_to = min(date_to or year_to, year_to)
    extra: dict[str, object] = {}
    if "municipality" in _FILTER_FIELDS and params.municipality:
        extra["municipality"] = params.municipality
    if "closed" in _FILTER_FIELDS and params.closed is not None:
        extra["closed"] = CLOSED_VALUES[params.closed]
    return SearchFilters(section=params.section, kind=params.kind, body=params.body, date_from=date_from,
                         date_to=date_to, case_number=params.case, **extra)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class SearchPage:
    params: SearchParams
    result: SearchResult
    hits: tuple[Hit, ...]  # this page's
    pages: int
    hidden_by_dates: int  # hits a date bound (or the year) leaves out


def _sorted(hits: tuple[Hit, ...], sort: str) -> list[Hit]:
    if sort == "relevance":
        return list(hits)
    dated = [h for h in hits if h.date]
    undated = [h for h in hits if not h.date]
    dated.sort(key=lambda h: (h.date, -h.score), reverse=False)
    if sort == "newest":
        dated.sort(key=lambda h: h.date or "", reverse=True)
    return dated + undated


def run_search(index, params: SearchParams) -> SearchPage:  # noqa: ANN001 - any TextIndex
    """One page of results; QuerySyntaxError from the index propagates (the caller shows a 400 page)."""
    accepted = inspect.signature(index.search).parameters
    filters = to_filters(params)
    offset = (params.page - 1) * PER_PAGE
    native = {k: v for k, v in (("sort", NATIVE_SORT[params.sort]), ("offset", offset)) if k in accepted}
    if "offset" in native and (params.sort == "relevance" or "sort" in native):
        result = index.search(params.q, filters, limit=PER_PAGE, per_item=True, **native)
        hits = result.hits
    else:
        need = offset + PER_PAGE if params.sort == "relevance" else MAX_FETCH
        result = index.search(params.q, filters, limit=need, per_item=True)
        hits = tuple(_sorted(result.hits, params.sort)[offset:offset + PER_PAGE])
    hidden = 0
    if params.date_from or params.date_to or params.year:
        wider = index.search(params.q, to_filters(params, with_dates=False), limit=1, per_item=True)
        hidden = max(0, wider.total - result.total)
    pages = max(1, min(MAX_PAGE, -(-result.total // PER_PAGE)))
    return SearchPage(params=params, result=result, hits=hits, pages=pages, hidden_by_dates=hidden)


def export_search(index, params: SearchParams, limit: int, per_item: bool) -> SearchResult:  # noqa: ANN001
    """The list `search --json` gives for the same query and filters (best first)."""
    if "sort" in inspect.signature(index.search).parameters:
        return index.search(params.q, to_filters(params), limit=limit, per_item=per_item,
                            sort=NATIVE_SORT[params.sort])
    result = index.search(params.q, to_filters(params), limit=limit, per_item=per_item)
    if params.sort != "relevance":
        result = replace(result, hits=tuple(_sorted(result.hits, params.sort)))
    return result


def result_json(result: SearchResult) -> dict:
    """`search --json`'s object: the index's own `as_json` where it has one (the CLI prints that too)."""
    if hasattr(result, "as_json"):
        return result.as_json()
    return {"query": result.query, "total": result.total, "facets": result.facets,
            "hits": [hit_json(h) for h in result.hits]}


def hit_json(hit: Hit) -> dict:
    """The CLI's `search --json` hit, plus the one-meeting-one-record fields when the index has them."""
    if hasattr(hit, "as_json"):
        return hit.as_json()
    out = {"meeting_id": hit.meeting_id, "date": hit.date, "kind": hit.kind, "body": hit.body,
           "item_number": hit.item_number, "item_title": hit.item_title, "section": hit.section,
           "page": hit.page, "score": round(hit.score, 4), "snippet": hit.snippet}
    for name in ("item_id", "municipality", "closed", "decided_on", "also_in"):
        if hasattr(hit, name):
            value = getattr(hit, name)
            out[name] = list(value) if isinstance(value, tuple) else value
    return out
