"""The reading room: a read-only, server-rendered web interface over the archive (`moedearkiv serve`).

    from web import create_app
    app = create_app(Settings.resolve(home="moedearkiv-data"))

`gunicorn 'web:create_app()'` or `waitress-serve --call web:create_app` reads the same settings
(MOEDEARKIV_HOME, MOEDEARKIV_DB, MOEDEARKIV_ENGINE) as the CLI.
"""
from __future__ import annotations

from web.app import create_app

__all__ = ["create_app"]
