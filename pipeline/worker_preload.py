"""Imported by the forkserver that forks a parallel ingest's workers (pipeline/forkserver.py): a worker's
modules and the Danish lexicon, loaded once there, so every worker forked from it has both."""
from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
from pathlib import Path


def _die_with_the_ingest() -> None:
    """PR_SET_PDEATHSIG: the kernel kills this forkserver when the ingest that started it dies, even by kill -9,
    and so its workers, which die with it (pipeline/pool.py). Without it they outlived a killed ingest: each
    worker holds the forkserver's alive pipe, and waits on a call queue whose both ends it holds."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    from pipeline.forkserver import PARENT_ENV

    if str(os.getppid()) != os.environ.get(PARENT_ENV, str(os.getppid())):  # it died before that took effect
        os._exit(1)


_die_with_the_ingest()

import pipeline.ocr  # noqa: E402, F401 - what a worker runs: imported once, here
import pipeline.process  # noqa: E402, F401
from parsers import lexicon_cache  # noqa: E402
from parsers.lexicon import LexiconData, load_lexicon_data  # noqa: E402
from pipeline.forkserver import LEXICON_ENV  # noqa: E402

LEXICONS: dict[Path, LexiconData] = {}  # the lexicon cache folder -> its word sets
FORKSERVER_PID = os.getpid()  # the process every worker is forked from (pipeline/pool._die_with_parent checks it)


def _preload() -> None:
    """The cached lexicon, when the cache exists (a first run builds it in the parent: the workers then load it)."""
    folder = os.environ.get(LEXICON_ENV)
    if folder and lexicon_cache.cache_file(Path(folder)).exists():
        LEXICONS[Path(folder)] = load_lexicon_data(Path(folder))
        gc.freeze()  # millions of words no collection needs to walk, in every forked worker too


_preload()
