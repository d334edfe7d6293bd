"""Which schema an index was built with, shared by every engine: one version, one marker file, one error.

The terms every engine holds come from index/analysis.py, so a change there (or to the records an engine keeps)
is a new `SCHEMA_VERSION` for all of them at once. File engines write `VERSION_FILE` into their folder; the
postgres engine keeps the version in a table of its own (index/postgres/engine.py).
"""
from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 4
"""3: one record per (meeting, item, section), old spellings, identifiers, closed, municipality; 4: stems from
Snowball's C library (PyStemmer), which keeps the double consonant of 29 in 390,000 Danish words (`succes`, `jazz`)
that Whoosh's Python port undid."""
VERSION_FILE = "moedearkiv-index.json"
CREATE_LOCK = ".moedearkiv-create.lock"


class IndexVersionError(RuntimeError):
    """The index was built by another engine or schema version: `reindex` rebuilds it from the database."""


def write_version(folder: Path, engine: str) -> None:
    (folder / VERSION_FILE).write_text(json.dumps({"engine": engine, "schema_version": SCHEMA_VERSION}))


def read_version(folder: Path) -> tuple[str, int] | None:
    """(engine, schema version) from the folder's marker file; None when it is missing or unreadable.

    Marker files older than the engine name belong to Whoosh, the only engine there was then."""
    try:
        info = json.loads((folder / VERSION_FILE).read_text())
        return str(info.get("engine", "whoosh")), int(info["schema_version"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def version_error(where: str, found: tuple[str, int] | None, engine: str) -> IndexVersionError:
    return IndexVersionError(
        f"The search index in {where} was built by engine/schema {found}, this program needs "
        f"{(engine, SCHEMA_VERSION)}: rebuild it (moedearkiv reindex).")


@contextmanager
def creation_lock(folder: Path) -> Iterator[None]:
    """Held while a file engine checks its folder and creates the index in it: two processes opening a new data
    folder at once would otherwise find each other's half-made index (the engine's files, no marker yet) and
    stop with a version error (seen in CI: two `ingest` runs started together on one empty data folder)."""
    try:
        handle = open(folder / CREATE_LOCK, "a")  # noqa: SIM115 - held until the with block below ends
    except OSError:  # a read-only folder: nothing will be created in it either
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the handle closes
        yield
