"""What the read-only commands (search, show, stats, case, meetings, export) need: the archive and the index.

`pipeline.ingest.Services` brings the whole ingest pipeline with it (PDF libraries, parsers, OCR, the
lexicon's code); a reader needs none of that, so these commands start in a fraction of the time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.errors import ConfigError, IndexOutdatedError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from index import TextIndex
    from storage.archive import Archive


def open_search_index(settings: Settings) -> TextIndex:
    """The chosen engine's index; an index of another version is an IndexOutdatedError (run reindex)."""
    from index import IndexVersionError, open_index

    try:
        return open_index(settings.index_dir, settings.engine, settings.db_url)
    except IndexVersionError as err:
        raise IndexOutdatedError(str(err).split(": rebuild")[0]) from err


class Reader:
    """The database engine, and (made on first use) the archive and the index, as `Services` has them."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self._archive: Archive | None = None
        self._index: TextIndex | None = None

    @property
    def archive(self) -> Archive:
        """The ORM side (show, stats, export), on the engine already opened; `search` never needs it."""
        if self._archive is None:
            from storage.archive import Archive

            self._archive = Archive(self.settings.db_url, self.engine)
        return self._archive

    @property
    def index(self) -> TextIndex:
        if self._index is None:
            self._index = open_search_index(self.settings)
        return self._index

    @classmethod
    def open(cls, settings: Settings) -> Reader:
        return cls(settings, open_database(settings))


def open_database(settings: Settings) -> Engine:
    """The data folder made and the database opened (schema checked), or a ConfigError saying what to change."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.engine import make_engine

    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(f"cannot create the data folder {settings.home}: {err.strerror}",
                          "choose another with --home or MOEDEARKIV_HOME") from err
    try:
        return make_engine(settings.db_url)
    except (SQLAlchemyError, OSError, ImportError) as err:
        raise ConfigError(f"cannot open the database {settings.db_url}: {str(err).splitlines()[0]}",
                          "check --db / MOEDEARKIV_DB and that the database is reachable") from err
