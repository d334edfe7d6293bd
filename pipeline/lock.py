"""One writer at a time per data folder: an flock on `<home>/.moedearkiv-write.lock`.

Writers (`ingest` around each store, `reindex`, `remove`) take it; a second writer waits up to
`Settings.lock_timeout` seconds, then stops with WriterBusyError. Readers (`search`, `show`, `serve`) never
take it: SQLite (WAL) and the index both let them read the last committed state while a writer works.
The lock is re-entrant within a process (flock on a second descriptor would wait for ourselves), and the
kernel drops it when the process dies, however it dies.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import WriterBusyError

LOCK_NAME = ".moedearkiv-write.lock"
POLL_SECONDS = 0.1
log = logging.getLogger(__name__)

_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, depth), this process
_guard = threading.RLock()


@contextmanager
def writer_lock(home: Path, timeout: float) -> Iterator[None]:
    """Hold the data folder's write lock for the block; WriterBusyError after `timeout` seconds of waiting."""
    home.mkdir(parents=True, exist_ok=True)
    path = (home / LOCK_NAME).resolve()
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
        else:
            _held[path] = (_acquire(path, home, timeout), 1)
    try:
        yield
    finally:
        with _guard:
            fd, depth = _held[path]
            if depth > 1:
                _held[path] = (fd, depth - 1)
            else:
                del _held[path]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


def _acquire(path: Path, home: Path, timeout: float) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    deadline = time.monotonic() + timeout
    waited = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise WriterBusyError(f"another moedearkiv is writing to {home} (waited {timeout:g} s)") from None
            if not waited:
                log.warning("waiting for another moedearkiv writing to %s", home)
                waited = True
            time.sleep(POLL_SECONDS)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd


def held(home: Path) -> bool:
    """Whether this process holds the write lock of `home` (for assertions in the writers)."""
    return (home / LOCK_NAME).resolve() in _held
