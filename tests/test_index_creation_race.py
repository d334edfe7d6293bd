"""Regression: two processes opening a new data folder at once, one finding the other's half-made index.

CI saw it: two `ingest` runs started together on one empty data folder, and one stopped with "built by
engine/schema None" because it looked between the other's creating the engine's files and writing the version
marker. Here the test holds the creation lock while it makes an index exactly so (files first, marker after a
pause) and another process opens the folder meanwhile: it must wait for the lock and then open that index.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.versioning import SCHEMA_VERSION, creation_lock, read_version, write_version

ROOT = Path(__file__).resolve().parents[1]
OPEN = ("import sys; sys.path.insert(0, {root!r}); from pathlib import Path; "
        "from index.engine_choice import open_index; "
        "ix = open_index(Path({path!r}), {engine!r}); print('opened', ix.count()); ix.close()")


def _engine_files(engine: str, path: Path) -> None:
    """What the engine's own creation writes before the marker."""
    if engine == "whoosh":
        from whoosh import index as whoosh_index

        from index.whoosh.store import build_schema
        whoosh_index.create_in(str(path), build_schema())
    else:
        import tantivy

        from index.tantivy.engine import build_schema
        tantivy.Index(build_schema(), str(path), reuse=False)


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_a_half_made_index_is_waited_for_not_refused(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "index"
    path.mkdir()
    with creation_lock(path):
        _engine_files(engine, path)
        opener = subprocess.Popen([sys.executable, "-c", OPEN.format(root=str(ROOT), path=str(path), engine=engine)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.0)  # the opener is up and waiting on the lock (without it, it fails at once)
        still_waiting = opener.poll() is None
        write_version(path, engine)
    out, err = opener.communicate(timeout=120)
    assert still_waiting, err
    assert opener.returncode == 0, err
    assert out.split() == ["opened", "0"]
    assert read_version(path) == (engine, SCHEMA_VERSION)
