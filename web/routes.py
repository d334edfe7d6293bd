"""The reading room's routes (../shared/CONTRACT.md "Web reading room"). All state is in the URL.

Every id from a URL is checked against a strict pattern before it reaches the database, and files
are only ever opened through paths the database holds for an ingested document's sha256.
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, url_for

from index.model import QuerySyntaxError
from web.app import Services
from web.highlight import query_highlight, snippet_html
from web.queries import hit_contexts, hit_pages
from web.render import page_boxes, page_png
from web.searching import (
    FACET_ORDER,
    FILTERABLE,
    MAX_FETCH,
    BadSearch,
    export_search,
    hit_json,
    parse_params,
    result_json,
    run_search,
)

bp = Blueprint("web", __name__)

MEETING_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$")
ITEM_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._ -]{0,59}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_PAGE_NUMBER = 100_000


def services() -> Services:
    return current_app.extensions["moedearkiv"]


def _check(pattern: re.Pattern[str], value: str) -> str:
    if not pattern.match(value) or ".." in value:
        abort(404)
    return value


def _query_word() -> str | None:
    q = (request.args.get("q") or "").strip()
    return q[:300] or None


def case_url(case_number: str) -> str:
    return "/case/" + quote(case_number, safe="")


def viewer_url(sha256: str, page: int, q: str | None = None) -> str:
    return f"/document/{sha256}/page/{page}" + (f"?{urlencode({'q': q})}" if q else "")


@bp.app_context_processor
def helpers() -> dict:
    return {"case_url": case_url, "viewer_url": viewer_url, "snippet_html": snippet_html, "lang_url": lang_url}


def lang_url(code: str) -> str:
    """This page in another language (the other parameters kept)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


@bp.get("/")
@bp.get("/search")
def search():  # noqa: ANN201
    try:
        params = parse_params(request.args)
    except BadSearch as err:
        abort(400, description=err.message)
    page = None
    if params.q:  # filters alone (no words) show the front page with the filters kept in the form
        try:
            page = services().search(run_search, params)
        except QuerySyntaxError as err:
            abort(400, description=f"Søgningen {params.q!r} kunne ikke forstås: {err}")
    contexts = hit_contexts(services().archive, [(h.meeting_id, h.item_number) for h in page.hits]) if page else {}
    pages = hit_pages(services().archive, [(getattr(contexts.get((h.meeting_id, h.item_number)), "sha256", None),
                                            h.page, h.snippet) for h in page.hits]) if page else []
    base = params.url_args()
    base.pop("page", None)

    def with_args(**changes: str | None) -> str:
        args = {**base, **{k: v for k, v in changes.items()}}
        return url_for("web.search", **{k: v for k, v in args.items() if v})

    facets = []
    if page:
        for name in FACET_ORDER:
            values = page.result.facets.get(name)
            if values and name in FILTERABLE:
                facets.append((name, list(values.items())[:12]))
    return render_template("search.html", params=params, page=page, contexts=contexts, pages=pages, facets=facets,
                           with_args=with_args, meetings=services().queries.meeting_count(),
                           export_args=urlencode({**base, "per_item": "1", "limit": str(MAX_FETCH)}))


def _export_request():  # noqa: ANN202
    try:
        params = parse_params(request.args)
        limit_text = (request.args.get("limit") or "10").strip()
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_FETCH:
            raise BadSearch(f"limit skal være 1-{MAX_FETCH}")
        per_item = (request.args.get("per_item") or "0") in ("1", "true", "yes")
        if not params.q:
            raise BadSearch("skriv en søgning i q=")
        return params, services().search(export_search, params, int(limit_text), per_item)
    except BadSearch as err:
        abort(400, description=err.message)
    except QuerySyntaxError as err:
        abort(400, description=f"Søgningen kunne ikke forstås: {err}")


@bp.get("/search.json")
def search_json():  # noqa: ANN201
    _params, result = _export_request()
    return result_json(result)


@bp.get("/search.csv")
def search_csv():  # noqa: ANN201
    _params, result = _export_request()
    rows = [hit_json(h) for h in result.hits]
    columns = list(rows[0]) if rows else ["meeting_id", "date", "kind", "body", "item_number", "item_title",
                                          "section", "page", "score", "snippet"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="moedearkiv-soegning.csv"'})


@bp.get("/meeting/<meeting_id>")
def meeting(meeting_id: str):  # noqa: ANN201
    view = services().queries.meeting(_check(MEETING_ID, meeting_id))
    if view is None:
        abort(404)
    return render_template("meeting.html", meeting=view)


@bp.get("/meeting/<meeting_id>/item/<number>")
def item(meeting_id: str, number: str):  # noqa: ANN201
    found = services().queries.item(_check(MEETING_ID, meeting_id), _check(ITEM_NUMBER, number))
    if found is None:
        abort(404)
    meeting_view, item_view = found
    return render_template("item.html", meeting=meeting_view, item=item_view, q=_query_word())


@bp.get("/case/<path:case_number>")
def case(case_number: str):  # noqa: ANN201
    entries = services().queries.case(_check(CASE_NUMBER, case_number.strip()))
    if not entries:
        abort(404, description="Ingen punkter med dette sagsnummer.")
    return render_template("case.html", case_number=case_number, entries=entries)


def _pdf_path(sha256: str):  # noqa: ANN202
    found = services().queries.document_path(_check(SHA256, sha256))
    if found is None:
        abort(404)
    path, filename = found
    if not path.is_file():
        abort(404, description="Originalen kan ikke åbnes lige nu.")
    return path, filename


@bp.get("/document/<sha256>")
def document(sha256: str):  # noqa: ANN201
    path, filename = _pdf_path(sha256)
    return send_file(path, mimetype="application/pdf", download_name=filename, as_attachment=False, max_age=3600)


def _page_view(sha256: str, number: int):  # noqa: ANN202
    if not 1 <= number <= MAX_PAGE_NUMBER:
        abort(404)
    _pdf_path(sha256)
    view = services().queries.page(sha256, number)
    if view is None:
        abort(404)
    return view


@bp.get("/document/<sha256>/page/<int(signed=True):number>")
def page(sha256: str, number: int):  # noqa: ANN201
    view = _page_view(sha256, number)
    q = _query_word()
    boxes = page_boxes(view, query_highlight(q))
    meeting_view = services().queries.meeting(view.meeting_id) if view.meeting_id else None
    item_view = None
    if meeting_view is not None:
        on_page = [i for i in meeting_view.items if i.page_start and i.page_start <= number <= (i.page_end or 0)]
        item_view = on_page[-1] if on_page else None  # the item that begins last before or on this page
    return render_template("viewer.html", view=view, q=q, highlights=len(boxes), meeting=meeting_view,
                           item=item_view)


@bp.get("/document/<sha256>/page/<int(signed=True):number>.png")
def page_image(sha256: str, number: int):  # noqa: ANN201
    view = _page_view(sha256, number)
    boxes = page_boxes(view, query_highlight(_query_word()))
    data, _cached = page_png(view, boxes, services().settings.cache_dir)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
