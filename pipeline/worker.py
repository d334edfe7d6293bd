"""`moedearkiv worker`: takes ingest jobs from the queue in PostgreSQL and stores each document, on any machine.

A job is one file (absolute path + sha256, `pipeline/queue.py`). The worker runs `process_pdf` (text layer,
OCR, parse: no lock, so N machines read N documents at once) and then stores it under a PostgreSQL advisory
lock: the data folder's file lock serialises the writers of one machine only, while the meeting rebuild and
the index writes must be serialised across all of them. File errors are recorded as failed, as `ingest`
records them, and the job is done; anything else raises, and procrastinate retries the job.

A document with more than `Settings.split_ocr_pages` pages to OCR is split instead: one page job per such page,
and an assemble job once they are all stored (`pipeline/page_jobs.py`), so the workers of every machine read
one large scan together.

A worker killed mid-job (kill -9, a lost machine) stops sending heartbeats; every worker looks for such
stalled jobs every `stall_timeout / 2` seconds and puts them back in the queue, so another worker takes them.
Nothing a dead worker wrote is half there: the database transaction rolled back; index rows the postgres
engine committed before it are rewritten by the retried store (or, if the database did commit, refreshed from
the database by the retry, which then finds the document ingested). After MAX_ATTEMPTS the document is
recorded as failed ("a worker died while ingesting it").

`--concurrency N` runs N worker processes (pypdfium2 is not thread-safe, and the pipeline is CPU-bound in
Python): each takes one job at a time and uses cores/N Tesseract processes; the children die with the parent.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import multiprocessing
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.errors import ConfigError, InputFileError, MoedearkivError
from pipeline.queue import MAX_ATTEMPTS, QUEUE, ensure_schema, make_app, require_postgres, store_lock

if TYPE_CHECKING:
    import procrastinate
    import procrastinate.worker

    from pipeline.ingest import FileResult, Services
    from pipeline.process import PageReader

log = logging.getLogger(__name__)

@dataclass(frozen=True, slots=True)
class WorkerOptions:
    concurrency: int = 1  # worker processes on this machine, one job each at a time
    stall_timeout: float = 30.0  # seconds without a heartbeat after which a worker's running job is retried
    name: str = ""  # in procrastinate's logs and tables; default host:pid

    @property
    def heartbeat(self) -> float:
        return max(0.5, self.stall_timeout / 4)


@dataclass(frozen=True, slots=True)
class _Running:
    services: Services
    on_result: Callable[[FileResult], None]


_running: _Running | None = None  # the worker process's services, set before the first job


def run_job(context: procrastinate.JobContext, path: str, sha256: str, assemble: bool = False) -> None:
    """The document task's body (in procrastinate's worker thread); `assemble`: a split document's pages are
    all read, it is put together from them."""
    if _running is None:
        raise RuntimeError("run_job outside a moedearkiv worker")
    services = _running.services
    retried = bool(context.job.attempts)
    try:
        if assemble:
            from pipeline.page_jobs import StoredPages, stored_pages

            reader = StoredPages(stored_pages(services.archive.engine, sha256), services.ocr)
            result = ingest_job(Path(path), sha256, services, retried=retried, reader=reader)
        else:
            result = ingest_job(Path(path), sha256, services, retried=retried, app=context.app)
    except Exception as err:
        if context.job.attempts + 1 >= MAX_ATTEMPTS:  # the last try: record it like any failed ingest
            services.archive.record_failure(Path(path), sha256, f"{path}: {_giving_up(err)}")
        raise
    if result is not None:
        _running.on_result(result)


def run_page_job(context: procrastinate.JobContext, path: str, sha256: str, page: int, total: int) -> None:
    """The page task's body: one page of a split document read and stored, then the document assembled if it
    was the last."""
    if _running is None:
        raise RuntimeError("run_page_job outside a moedearkiv worker")
    services = _running.services
    try:
        page_job(Path(path), sha256, page, total, services, context.app)
    except Exception as err:
        if context.job.attempts + 1 >= MAX_ATTEMPTS:
            services.archive.record_failure(Path(path), sha256, f"{path}: page {page}: {_giving_up(err)}")
        raise


def page_job(path: Path, sha256: str, page: int, total: int, services: Services, app: procrastinate.App) -> None:
    """OCR one page unless it is stored (a retry after a worker died mid-page stores it once); a file error
    fails the document, as it would fail an in-process ingest."""
    from pipeline.page_jobs import assemble_when_complete, read_page, store_page, stored_numbers

    archive = services.archive
    if not path.is_file():
        archive.record_failure(path, sha256, _not_here(path))
        return
    if archive.status_of(sha256) == "ingested":
        return
    if page not in stored_numbers(archive.engine, sha256):
        started = time.monotonic()
        try:
            result = read_page(path, page, services)
        except InputFileError as err:
            archive.record_failure(path, sha256, f"{path}: page {page}: {err}")
            return
        stored = store_page(archive.engine, sha256, page, result)
        log.info("%s: page %d read in %.2f s%s", path, page, time.monotonic() - started,
                 "" if stored else " (stored already by another worker)")
    if assemble_when_complete(app, path, sha256, total, archive.engine):
        log.info("%s: all %d pages read, assemble job queued", path, total)


def _not_here(path: Path) -> str:
    return (f"{path}: no such file on worker {socket.gethostname()}: every worker must see the files at the path "
            "they were queued with (a shared folder mounted at the same place)")


def _giving_up(err: BaseException) -> str:
    return f"gave up after {MAX_ATTEMPTS} attempts ({type(err).__name__}: {err}); queue it again once fixed"


def ingest_job(path: Path, sha256: str, services: Services, retried: bool = False,
               app: procrastinate.App | None = None, reader: PageReader | None = None) -> FileResult | None:
    """One queued file, as `ingest_file` does it, but stored under the cross-machine store lock. With `app`, a
    file with more than `split_ocr_pages` pages to OCR is split into page jobs instead (returns None); `reader`
    replaces Tesseract (the stored pages of a split file)."""
    from pipeline.ingest import FileResult, store
    from pipeline.pdf import sha256_of
    from pipeline.process import process_pdf
    from pipeline.safe_store import AlreadyStored, reindex_meeting, store_once

    archive = services.archive
    if not path.is_file():
        message = _not_here(path)
        archive.record_failure(path, sha256, message)
        return FileResult(path=str(path), status="failed", error=message)
    current = sha256_of(path)
    if current != sha256:
        log.warning("%s changed since it was queued: ingesting what it holds now", path)
        sha256 = current
    if archive.status_of(sha256) == "ingested":
        meeting_id = archive.meeting_id_of(sha256)
        if retried and meeting_id:  # a worker died after its commit: make sure the index has what it committed
            with store_lock(archive.engine):
                reindex_meeting(services, meeting_id)
        return FileResult(path=str(path), status="skipped", meeting_id=meeting_id)
    try:
        if app is not None and _split(app, path, sha256, services):
            return None
        started = time.monotonic()
        document = process_pdf(path, reader or services.ocr, services.repairer, services.settings, sha256=sha256)
        processed = time.monotonic()
        with store_lock(archive.engine):
            locked = time.monotonic()
            change = store_once(document, services, store)
        log.info("%s: processed in %.2f s, waited %.2f s for the store lock, stored in %.2f s", path,
                 processed - started, locked - processed, time.monotonic() - locked)
    except AlreadyStored as done:
        return FileResult(path=str(path), status="skipped", meeting_id=done.meeting_id)
    except InputFileError as err:
        archive.record_failure(path, sha256, str(err))
        return FileResult(path=str(path), status="failed", error=str(err))
    except MoedearkivError:  # a missing program, a busy data folder: not the file's fault, the job is retried
        raise
    except Exception as err:
        from sqlalchemy.exc import OperationalError

        if isinstance(err, OperationalError):  # the database went away: retried, not the file's fault
            raise
        log.info("internal error on %s", path, exc_info=True)
        message = f"{path}: internal error ({type(err).__name__}: {err}); please report it with the file"
        archive.record_failure(path, sha256, message)
        return FileResult(path=str(path), status="failed", error=message)
    return FileResult(path=str(path), status="ingested", meeting_id=change.meeting_id, role=change.role,
                      joined=change.joined, replaced=change.replaced is not None)


def _split(app: procrastinate.App, path: Path, sha256: str, services: Services) -> bool:
    """Page jobs for a file with many pages to OCR (pipeline/page_jobs.py); False if it is one job's work."""
    from pipeline.page_jobs import assemble_when_complete, defer_pages, ocr_plan

    numbers = ocr_plan(path, services)
    if numbers is None:
        return False
    deferred = defer_pages(app, path, sha256, numbers, services.archive.engine)
    log.info("%s: %d pages to OCR, %d page jobs queued", path, len(numbers), deferred)
    assemble_when_complete(app, path, sha256, len(numbers), services.archive.engine)  # all read already
    return True


def check_settings(settings: Settings) -> None:
    """A worker writes the search index every machine shares: the one inside PostgreSQL."""
    require_postgres(settings.db_url, "moedearkiv worker")
    if settings.engine != "postgres":
        raise ConfigError(f"a worker writes the postgres search index, not {settings.engine}'s folder on one machine",
                          "run workers with --engine postgres (the default on PostgreSQL); build another engine's "
                          "index afterwards with `moedearkiv --engine E reindex`")


def run(settings: Settings, options: WorkerOptions, on_result: Callable[[FileResult], None]) -> None:
    """Work until SIGINT/SIGTERM: one worker here, or `options.concurrency` worker processes."""
    check_settings(settings)
    from pipeline.ocr import check_tesseract

    check_tesseract(settings.ocr_language)  # exit 3 now, not a failed job per document
    if options.concurrency <= 1:
        _serve(settings, options, on_result)
        return
    per_process = dataclasses.replace(settings, workers=max(1, settings.workers // options.concurrency))
    spawn = multiprocessing.get_context("spawn")
    children = [spawn.Process(target=_child, args=(per_process, dataclasses.replace(options, concurrency=1),
                                                   n), daemon=False) for n in range(options.concurrency)]
    for child in children:
        child.start()
    try:
        for child in children:
            child.join()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join()


def _child(settings: Settings, options: WorkerOptions, number: int) -> None:
    """One worker process of `--concurrency N`; killed with its parent (PR_SET_PDEATHSIG)."""
    from pipeline.cleanup import die_with_parent, process_guard

    die_with_parent()

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with process_guard(watch=True), contextlib.suppress(KeyboardInterrupt):
        _serve(settings, options, _print_result)


def _print_result(result: FileResult) -> None:
    line = f"{result.status:9} {result.path}" + (f" -> {result.meeting_id}" if result.meeting_id else "")
    print(f"error: {result.error}" if result.status == "failed" else line, flush=True)


def _serve(settings: Settings, options: WorkerOptions, on_result: Callable[[FileResult], None]) -> None:
    global _running
    from pipeline.ingest import Services
    from pipeline.safe_store import redo_pending

    services = Services.open(settings)
    ensure_schema(services.archive.engine, settings.db_url)
    with store_lock(services.archive.engine):
        redo_pending(services)  # a store this data folder's last writer left unfinished
    services.repairer  # noqa: B018 - the lexicon once, before the first job (and outside the job threads)
    services.index  # noqa: B018 - the search table made (if new) before any store takes the store lock
    _running = _Running(services=services, on_result=on_result)
    try:
        asyncio.run(_work(make_app(settings.db_url), options))
    finally:
        _running = None
        services.archive.close()


async def _work(app: procrastinate.App, options: WorkerOptions) -> None:
    from procrastinate.worker import Worker

    worker = Worker(app=app, queues=[QUEUE], name=options.name or f"{socket.gethostname()}:{os.getpid()}",
                    concurrency=1, wait=True, update_heartbeat_interval=options.heartbeat,
                    stalled_worker_timeout=options.stall_timeout,
                    fetch_job_polling_interval=min(5.0, options.stall_timeout / 2))
    async with app.open_async():
        reaper = asyncio.create_task(_retry_stalled(app, worker, options.stall_timeout))
        try:
            await worker.run()
        finally:
            reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reaper


async def _retry_stalled(app: procrastinate.App, worker: procrastinate.worker.Worker, stall_timeout: float) -> None:
    """Put the running jobs of workers without a recent heartbeat back in the queue (or give up on them). Never
    our own: this process is alive, whatever its heartbeat says on a machine too busy to send it in time."""
    from procrastinate.jobs import Status

    while True:
        await asyncio.sleep(stall_timeout / 2)
        try:
            stalled = await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stall_timeout)
        except Exception:  # the database is briefly away: try again next round
            log.warning("could not look for stalled jobs", exc_info=True)
            continue
        for job in stalled:
            if job.worker_id is not None and job.worker_id == worker.worker_id:
                continue
            try:
                if job.attempts + 1 >= MAX_ATTEMPTS:
                    await asyncio.to_thread(_record_gave_up, job.task_kwargs)
                    await app.job_manager.finish_job(job, Status.FAILED, delete_job=False)
                else:
                    log.warning("job %s (%s): its worker stopped answering, queued again", job.id,
                                job.task_kwargs.get("path"))
                    await app.job_manager.retry_job(job)
            except Exception:  # another worker retried it first
                log.debug("stalled job %s taken care of elsewhere", job.id, exc_info=True)


def _record_gave_up(kwargs: dict) -> None:
    if _running is not None:
        path = str(kwargs.get("path"))
        _running.services.archive.record_failure(
            Path(path), str(kwargs.get("sha256")),
            f"{path}: a worker died while ingesting it {MAX_ATTEMPTS} times (out of memory? a page that kills "
            "Tesseract?); queue it again once fixed")

