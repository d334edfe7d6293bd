"""The pool's workers forked from a process that is ready before the ingesting parent is.

A parallel ingest's parent spends its first 0.7 s alone importing, migrating the database and opening the
index, and its workers then spent 0.3 s more loading the Danish lexicon: a second core idle for a second of a
7-second bench batch. `start` (the `ingest` command calls it first thing) starts multiprocessing's forkserver,
which imports what a worker runs and loads the lexicon (pipeline/worker_preload.py) on that idle core; the
pool (pipeline/pool.py) then forks its workers from it, and they read at once. Library callers that never
call `start` get the plain fork pool, the lexicon loaded by the parent.

This module imports nothing heavy: it runs before the parent's own imports.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
from pathlib import Path

LEXICON_ENV = "MOEDEARKIV_PRELOAD_LEXICON"  # the lexicon cache folder the forkserver loads (pipeline/worker_preload.py)
PARENT_ENV = "MOEDEARKIV_FORKSERVER_PARENT"
_STARTED: list[Path] = []  # the lexicon folder of the forkserver this process started


def start(lexicon_dir: Path) -> None:
    """Start the forkserver, preloading the worker's modules and the lexicon cached in `lexicon_dir`."""
    if _STARTED:
        return
    import multiprocessing.forkserver

    os.environ[LEXICON_ENV] = str(lexicon_dir)
    os.environ[PARENT_ENV] = str(os.getpid())  # the forkserver dies with this process (pipeline/worker_preload.py)
    _socket_folder()
    # __main__ too: imported once there, not again by each worker (multiprocessing's spawn.prepare skips it)
    multiprocessing.set_forkserver_preload(["__main__", "pipeline.worker_preload"])
    multiprocessing.forkserver.ensure_running()
    _STARTED.append(lexicon_dir)


def stop() -> None:
    """Stop the forkserver once the pool's workers are gone, and wait for it: its CPU time (and its workers')
    then counts as this process's children's, and no process outlives the command."""
    if not _STARTED:
        return
    import multiprocessing.forkserver

    with contextlib.suppress(Exception):  # multiprocessing's own stop (its tests use it): closes the alive pipe
        multiprocessing.forkserver._forkserver._stop()  # noqa: SLF001
    _STARTED.clear()


def _socket_folder() -> Path:
    """The folder of the forkserver's socket: `moedearkiv-mp-<pid>` in the system's temporary folder, removed
    at exit after multiprocessing is done with it, and swept by the next command when a kill -9 left it
    (pipeline/cleanup.py). multiprocessing's own (`pymp-*`) would stay behind a kill -9 for good, and in
    the command's folder it was removed before multiprocessing removed it at exit (a traceback)."""
    import multiprocessing.process
    import multiprocessing.util
    import shutil

    from pipeline.cleanup import MP_PREFIX, PREFIX

    config = multiprocessing.process.current_process()._config  # noqa: SLF001 - where get_temp_dir keeps it
    if config.get("tempdir"):
        return Path(config["tempdir"])
    here = Path(tempfile.gettempdir())  # the command's own folder (pipeline/cleanup.process_guard), in the root
    folder = (here.parent if here.name.startswith(PREFIX) else here) / f"{MP_PREFIX}{os.getpid()}"
    folder.mkdir(exist_ok=True)
    config["tempdir"] = str(folder)
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                                  exitpriority=-100)
    return folder


def preloaded(lexicon_dir: Path) -> bool:
    """Whether this process started a forkserver that loads the lexicon of `lexicon_dir`."""
    return lexicon_dir in _STARTED


def context(lexicon_dir: Path) -> multiprocessing.context.BaseContext:
    """The context a pool starts its workers with: that forkserver, else a plain fork of this process."""
    return multiprocessing.get_context("forkserver" if preloaded(lexicon_dir) else "fork")
