"""All the cores of one machine: documents are read in a process pool, stored by the parent in input order.

A worker runs `process_pdf` (extract, OCR, repair, parse: no database, no index) on one file and sends back
the ProcessedDocument, or the file's error as plain text. The parent alone writes the database and the index,
one document after another in the order the files were given, through the same `ingest_file` as `--workers
1`, so meeting ids, failure records and exports equal a sequential run.

Cores: the pool has P = min(workers, files to read) processes and each one's OCR runs workers // P Tesseract
processes, so there are never more Tesseract processes than `workers`. The parent commits the index once per
20 documents or 30 s (pipeline/index_batch.py), the database per document as before; the index records of such a
batch are analysed and written as a segment by a worker (one more job in the pool) while the parent stores on.
A single big scan is read in-process, its pages spread over all `workers` Tesseract processes (pipeline/ocr.py);
in a batch each document worker takes one core. The lexicon is built once (in a short-lived child, if the
machine's cache has none) before the pool starts. The `ingest` command forks the workers from a forkserver
that loaded it while the parent was still starting (pipeline/forkserver.py); otherwise the parent loads it
and the workers forked from it share it.

Clean exits: workers ignore SIGINT (the parent decides), are killed with the parent (PR_SET_PDEATHSIG), and
are killed by the parent on an interrupt; their Tesseract processes work in the parent's temporary folder,
which `pipeline/cleanup.py` sweeps. A worker that dies (a crash inside a PDF library, the OOM killer) breaks
the pool: it is restarted, the document it was waiting for is read again alone, and only a document that
kills a worker while alone is recorded as failed.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import signal
import sys
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import forkserver
from pipeline.cleanup import die_with_parent
from pipeline.config import Settings
from pipeline.errors import InputFileError, Interrupted, MoedearkivError
from pipeline.progress import PageFeed, PageSink, for_file

if TYPE_CHECKING:
    from index.documents import SectionDoc
    from index.whoosh.segments import BuiltSegment
    from parsers.repair import Repairer
    from pipeline.ingest import FileResult, Services
    from pipeline.ocr import OcrEngine
    from pipeline.process import ProcessedDocument

log = logging.getLogger(__name__)
AHEAD = 2  # documents queued per worker: one being read, one waiting, so a worker never idles on the parent


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker sends back: the document, or its error as text (exceptions need not survive pickling)."""

    document: ProcessedDocument | None = None
    failure: str | None = None  # the file's own error (InputFileError), worded as the sequential path words it
    fatal: tuple[str, str, int] | None = None  # (message, hint, exit code) of an error that stops the batch
    trace: str = ""  # an internal error's traceback, logged by the parent with -v

    def unwrap(self) -> ProcessedDocument:
        if self.fatal is not None:
            message, hint, code = self.fatal
            err = MoedearkivError(message, hint)
            err.exit_code = code  # type: ignore[misc]
            raise err
        if self.failure is not None:
            if self.trace:
                log.info("internal error in a worker:\n%s", self.trace)
            raise InputFileError(self.failure)
        assert self.document is not None
        return self.document


@dataclass(frozen=True, slots=True)
class _Tools:
    settings: Settings
    ocr: OcrEngine
    repairer: Repairer


_TOOLS: list[_Tools] = []  # the worker process's own, made once by _start_worker
_LOADED: dict[frozenset[str], Repairer] = {}  # the parent's repairer for its pool, inherited by the forked workers
_PAGES: list[SimpleQueue] = []  # where the worker puts its OCR page counts, when the parent listens


def _die_with_parent() -> None:
    """Killed with the process this worker was forked from: the forkserver, else the ingest itself. One that
    died before that took effect makes the worker exit: it would wait on its call queue for good (a kill -9 of
    the ingest just as the forkserver forked a worker left one behind)."""
    preload = sys.modules.get("pipeline.worker_preload")  # forked from a forkserver, else from the ingest itself
    forked_from = preload.FORKSERVER_PID if preload is not None else getattr(multiprocessing.parent_process(), "pid",
                                                                               None)
    die_with_parent(forked_from)


def _start_worker(settings: Settings, vocabulary: frozenset[str], tempdir: str, ocr_workers: int,
                  pages: SimpleQueue | None = None) -> None:
    from pipeline.ocr import OcrEngine

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tempfile.tempdir = tempdir  # Tesseract's files in the parent's folder, which its cleanup sweeps
    ocr = replace(OcrEngine.from_settings(settings), workers=ocr_workers)
    _TOOLS.append(_Tools(settings, ocr, _repairer(settings, vocabulary)))
    _LOADED.clear()
    if pages is not None:
        _PAGES.append(pages)


def _repairer(settings: Settings, vocabulary: frozenset[str]) -> Repairer:
    """The parent's repairer when forked from it, else one made of the forkserver's lexicon
    (pipeline/worker_preload.py), else one loaded here."""
    from parsers.lexicon import Lexicon
    from parsers.repair import Repairer

    inherited = _LOADED.get(vocabulary)
    if inherited is not None:
        return inherited
    preload = sys.modules.get("pipeline.worker_preload")  # only in a forkserver's worker (importing it loads)
    data = preload.LEXICONS.get(settings.lexicon_dir) if preload is not None else None
    if data is not None:
        return Repairer(Lexicon.of(data, vocabulary))
    return Repairer.load(extra_vocabulary=vocabulary, cache_dir=settings.lexicon_dir)


def _read(path: Path, sha256: str) -> Outcome:
    """process_pdf in the worker; every error becomes text, as `ingest_file` would word it."""
    from pipeline.process import process_pdf

    tools = _TOOLS[0]
    sink = (lambda name, done, total: _PAGES[0].put((name, done, total))) if _PAGES else None
    try:
        return Outcome(document=process_pdf(path, tools.ocr.with_progress(for_file(sink, path)), tools.repairer,
                                            tools.settings, sha256=sha256))
    except InputFileError as err:
        return Outcome(failure=str(err))
    except MoedearkivError as err:  # a missing Tesseract: not this file's fault, the batch stops
        return Outcome(fatal=(err.message, err.hint, int(err.exit_code)))
    except Exception as err:
        return Outcome(failure=f"{path}: internal error ({type(err).__name__}: {err}); please report it with the file",
                       trace=traceback.format_exc())


class DocumentPool:
    """A process pool reading documents; `result(ticket)` survives a worker's death (see the module docstring)."""

    def __init__(self, settings: Settings, vocabulary: frozenset[str], size: int,
                 page_sink: PageSink | None = None) -> None:
        self.size = size
        self._context = forkserver.context(settings.lexicon_dir)
        pages = self._context.SimpleQueue() if page_sink else None
        self._feed = PageFeed(pages, page_sink) if pages is not None and page_sink else None
        self._args = (settings, vocabulary, tempfile.gettempdir(), max(1, settings.workers // size), pages)
        if not forkserver.preloaded(settings.lexicon_dir):
            self._preload(settings, vocabulary)
        self._pool = self._start()
        self._jobs: dict[int, tuple[tuple[Path, str], Future[Outcome]]] = {}
        self._tickets = 0

    @staticmethod
    def _preload(settings: Settings, vocabulary: frozenset[str]) -> None:
        """The lexicon loaded once, here, before the workers are forked (no forkserver has it: a library
        caller's pool): they share its pages instead of each reading it again (0.27 CPU s a worker)."""
        from parsers.repair import Repairer

        _LOADED.clear()
        _LOADED[vocabulary] = Repairer.load(extra_vocabulary=vocabulary, cache_dir=settings.lexicon_dir)

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.size, mp_context=self._context,
                                   initializer=_start_worker, initargs=self._args)

    @property
    def in_flight(self) -> int:
        return len(self._jobs)

    def submit(self, path: Path, sha256: str) -> int:
        self._tickets += 1
        self._jobs[self._tickets] = ((path, sha256), self._pool.submit(_read, path, sha256))
        return self._tickets

    def build_segment(self, docs: list[SectionDoc]) -> Future[BuiltSegment]:
        """The index records of a batch analysed and written as a Whoosh segment by a worker
        (pipeline/index_batch.py commits it); a broken pool gives a failed future, and the parent writes them."""
        from index.whoosh.segments import build_segment

        try:
            return self._pool.submit(build_segment, docs)
        except (BrokenProcessPool, RuntimeError) as err:
            failed: Future[BuiltSegment] = Future()
            failed.set_exception(err)
            return failed

    def result(self, ticket: int) -> Outcome:
        job, future = self._jobs.pop(ticket)
        try:
            return future.result()
        except BrokenProcessPool:
            log.warning("a worker process died; reading %s again on its own", job[0])
        self._restart()
        try:
            outcome = self._pool.submit(_read, *job).result()
        except BrokenProcessPool:
            self._restart()
            outcome = Outcome(failure=f"{job[0]}: the process reading it died (a crash in a PDF library or out of "
                              "memory); ingest it alone with --workers 1 to see the error, or repair it with qpdf")
        for other, (waiting, _lost) in list(self._jobs.items()):  # they were in the broken pool too
            self._jobs[other] = (waiting, self._pool.submit(_read, *waiting))
        return outcome

    def _restart(self) -> None:
        self.kill()
        self._pool = self._start()

    def kill(self) -> None:
        """Stop at once: no worker outlives an interrupt."""
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError, AttributeError):
                process.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> DocumentPool:
        return self

    def __exit__(self, kind: object, _value: object, _tb: object) -> None:
        if kind is None:
            self._pool.shutdown(wait=True)
        else:
            self.kill()
        _LOADED.clear()
        if self._feed is not None:
            self._feed.close()


def ingest_parallel(files: Iterable[Path], services: Services,
                    on_result: Callable[[FileResult], None]) -> list[FileResult]:
    """`ingest_paths` over a pool when at least two documents need reading; in-process otherwise."""
    from parsers import lexicon_cache
    from pipeline.index_batch import batched
    from pipeline.ingest import ingest_file
    from pipeline.vocabulary import archive_vocabulary

    settings = services.settings
    entries = ((path, _to_read(path, services)) for path in files)
    ahead: deque[tuple[Path, str | None]] = deque()
    for entry in entries:  # look ahead until the pool would be full, or the files run out
        ahead.append(entry)
        if sum(sha is not None for _, sha in ahead) >= settings.workers:
            break
    size = min(settings.workers, sum(sha is not None for _, sha in ahead))
    results: list[FileResult] = []

    def done(path: Path, read: Callable[[], FileResult]) -> None:
        try:
            result = read()
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted while ingesting {path} (not recorded as failed)") from None
        on_result(result)
        results.append(result)

    if size < 2:  # one document (a big scan uses every core for its OCR) or none: in-process
        for path, _sha in ahead:
            done(path, lambda path=path: ingest_file(path, services))
        return results
    lexicon_cache.ensure(settings.lexicon_dir)
    gc.freeze()  # the parent's modules and caches, long-lived: its full collections took 0.2 s of the bench batch
    with DocumentPool(settings, archive_vocabulary(services.archive), size, services.page_sink) as pool, \
            batched(services, builder=pool.build_segment, parts=pool.size) as batch:
        queued: deque[tuple[Path, int | None]] = deque()
        for path, ticket in _fill(pool, ahead, entries, queued):
            if ticket is None:  # missing, or already in the archive: as the sequential path says
                done(path, lambda path=path: ingest_file(path, services))
                continue
            outcome = pool.result(ticket)
            done(path, lambda path=path, o=outcome: ingest_file(path, services, read=lambda *_: o.unwrap()))
            if batch is not None:
                batch.document_done()
    return results


def _fill(pool: DocumentPool, ahead: deque[tuple[Path, str | None]], entries: Iterator[tuple[Path, str | None]],
          queued: deque[tuple[Path, int | None]]) -> Iterator[tuple[Path, int | None]]:
    """The files in input order, each with its ticket; keeps AHEAD documents per worker submitted."""
    while True:
        while pool.in_flight < AHEAD * pool.size:
            entry = ahead.popleft() if ahead else next(entries, None)
            if entry is None:
                break
            path, sha256 = entry
            queued.append((path, pool.submit(path, sha256) if sha256 else None))
        if not queued:
            return
        yield queued.popleft()


def _to_read(path: Path, services: Services) -> str | None:
    """The file's sha256 when it needs reading; None when it is missing or already ingested."""
    from pipeline.pdf import sha256_of

    if not path.is_file():
        return None
    sha256 = sha256_of(path)
    return None if services.archive.status_of(sha256) == "ingested" else sha256
