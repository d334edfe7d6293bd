"""Flask app factory: settings in, one archive and one index per process, security headers on every answer."""
from __future__ import annotations

import logging
import threading

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException

from index import open_index
from pipeline.config import Settings
from storage.archive import Archive
from web.highlight import marked_paragraphs, query_highlight
from web.i18n import format_date, pick_language, translate
from web.queries import Queries

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


class Services:
    """What the routes read from: the database (through web.queries) and the search index."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.archive = Archive(settings.db_url)
        self.queries = Queries(self.archive)
        self.index = open_index(settings.index_dir, settings.engine)
        self.index_lock = threading.Lock()  # one search at a time per process: engines keep a shared searcher

    def search(self, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        with self.index_lock:
            return fn(self.index, *args, **kwargs)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.resolve()
    app = Flask(__name__)
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=16 * 1024, TEMPLATES_AUTO_RELOAD=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["moedearkiv"] = Services(settings)
    app.jinja_env.autoescape = True
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda text: translate(g.get("lang", "da"), text),
        lambda one, many, n: translate(g.get("lang", "da"), one if n == 1 else many), newstyle=True)
    app.jinja_env.filters["danish_date"] = lambda value: format_date(value, g.get("lang", "da"))
    app.jinja_env.filters["paragraphs"] = lambda text, q=None: marked_paragraphs(text, query_highlight(q))

    @app.before_request
    def choose_language() -> None:
        g.lang = pick_language(request.args.get("lang"), list(request.accept_languages))

    @app.after_request
    def security_headers(response):  # noqa: ANN001, ANN202
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Content-Language", g.get("lang", "da"))
        response.headers["Vary"] = "Accept-Language"
        return response

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):  # noqa: ANN202
        code = err.code or 500
        if code not in (400, 404, 405, 413):
            code = 400 if 400 <= code < 500 else 500
        return render_template("error.html", code=code, detail=getattr(err, "description", None)), code

    @app.errorhandler(Exception)
    def unexpected(err: Exception):  # noqa: ANN202
        log.exception("request failed: %s", request.path)
        return render_template("error.html", code=500, detail=None), 500

    from web.routes import bp

    app.register_blueprint(bp)
    return app

