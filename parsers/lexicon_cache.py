"""The compiled Danish lexicon, built once per machine and loaded from a cache file after that.

Building it (expanding hunspell-da's suffix rules) takes seconds and over a gigabyte at its peak, so it is
done once: the file is named by a hash of everything it is built from (the word lists, the municipality
list and the code that expands them), so a changed input makes a new file and an old one is never read by
mistake. It is written atomically (a temporary file of its own, then a rename), and a build is serialised by
an flock on the folder, so parallel workers or a second command wait for the first build and then read it.
"""
from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parsers.lexicon import LexiconData

_SEPARATOR = "\n\x00\n"


def inputs() -> tuple[Path, ...]:
    """The files the lexicon is built from, this module's builder code included."""
    from parsers import lexicon

    return (lexicon.WDANISH, lexicon.HUNSPELL_DIC, lexicon.HUNSPELL_AFF, lexicon.DATA_DIR / "municipalities.txt",
            Path(lexicon.__file__))


def cache_key() -> str:
    """A hash of the inputs' contents (a missing list counts as missing, and changes the key too)."""
    from parsers.lexicon import CACHE_VERSION

    digest = hashlib.sha256(CACHE_VERSION.encode())
    for path in inputs():
        digest.update(str(path).encode() + b"\x00")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()[:20]


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / f"lexicon-{cache_key()}.txt.gz"


def read(path: Path) -> LexiconData:
    from parsers.lexicon import LexiconData

    with gzip.open(path, "rt", encoding="utf-8") as src:
        parts = src.read().split(_SEPARATOR)
    return LexiconData(*(frozenset(part.split("\n")) if part else frozenset() for part in parts))


def write(path: Path, data: LexiconData) -> None:
    """Temporary file in the same folder, then rename: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = _SEPARATOR.join("\n".join(sorted(s)) for s in (data.words, data.heads, data.tails, data.names))
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as out:
            out.write(body.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _build_lock(cache_dir: Path) -> Iterator[None]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / ".lexicon.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load(cache_dir: Path, build: Callable[[], LexiconData]) -> LexiconData:
    """The cached lexicon, built (once, under the folder's lock) and written when there is none yet."""
    path = cache_file(cache_dir)
    if path.exists():
        return read(path)
    with _build_lock(cache_dir):
        if path.exists():  # another process built it while we waited
            return read(path)
        data = build()
        write(path, data)
        return data


def ensure(cache_dir: Path) -> Path:
    """The cache file, built in a short-lived child process if missing, so the caller's memory never holds
    the build's peak (a process pool forked afterwards would carry it in every worker)."""
    path = cache_file(cache_dir)
    if path.exists():
        return path
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=_build_into, args=(cache_dir,), daemon=True)
    child.start()
    child.join()
    if not path.exists():  # the child failed: build here and let its error show
        _build_into(cache_dir)
    return path


def _build_into(cache_dir: Path) -> None:
    from parsers.lexicon import load_lexicon_data

    load_lexicon_data(cache_dir)
