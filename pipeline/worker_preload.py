"""Imported by the forkserver that forks a parallel ingest's workers (pipeline/forkserver.py): a worker's
modules and the Danish lexicon, loaded once there, so every worker forked from it has both."""
from __future__ import annotations

import gc
import os
from pathlib import Path

from pipeline.cleanup import die_with_parent
from pipeline.forkserver import LEXICON_ENV, PARENT_ENV

# killed with the ingest that started this forkserver, even by kill -9, and so its workers, which die with it
# (pipeline/pool.py): without it they outlived a killed ingest (each holds the forkserver's alive pipe, and both
# ends of its call queue). Before the heavy imports, so an ingest killed meanwhile takes the forkserver along.
die_with_parent(int(os.environ[PARENT_ENV]) if os.environ.get(PARENT_ENV) else None)

import pipeline.ocr  # noqa: E402, F401 - what a worker runs: imported once, here
import pipeline.process  # noqa: E402, F401
from parsers import lexicon_cache  # noqa: E402
from parsers.lexicon import LexiconData, load_lexicon_data  # noqa: E402

LEXICONS: dict[Path, LexiconData] = {}  # the lexicon cache folder -> its word sets
FORKSERVER_PID = os.getpid()  # the process every worker is forked from (pipeline/pool._die_with_parent checks it)


def _preload() -> None:
    """The cached lexicon, when the cache exists (a first run builds it in the parent: the workers then load it)."""
    folder = os.environ.get(LEXICON_ENV)
    if folder and lexicon_cache.cache_file(Path(folder)).exists():
        LEXICONS[Path(folder)] = load_lexicon_data(Path(folder))
        gc.freeze()  # millions of words no collection needs to walk, in every forked worker too


_preload()
