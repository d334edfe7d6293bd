"""The durable job queue in the archive's own PostgreSQL (procrastinate): one job per document, by sha256 (and
one per page of a large scan, `pipeline/page_jobs.py`).

`ingest --queue` enqueues (`enqueue`), `moedearkiv worker` runs the jobs (`pipeline/worker.py`), `moedearkiv
queue` counts them (`counts`). A job names the file by its absolute path and its sha256; the sha256 is also
the job's queueing lock, so enqueueing the same bytes twice, or bytes already ingested, is a no-op. The queue
needs PostgreSQL: it is where every machine's workers meet, and its row locks are what hand each job to one
worker only. Procrastinate's schema is applied by `db upgrade` (and on first use), next to our migrations.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url

from pipeline.errors import UsageError

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)

QUEUE = "moedearkiv-ingest"
TASK = "moedearkiv.ingest_document"
PAGE_TASK = "moedearkiv.ocr_page"  # one page of a large scan (pipeline/page_jobs.py)
ASSEMBLE_TASK = "moedearkiv.assemble_document"  # a split document, once its pages are read
PAGE_PRIORITY, ASSEMBLE_PRIORITY = 10, 20  # fetched before new documents (higher first): a big scan finishes
STORE_LOCK = 72604201  # pg_advisory_lock key around every store, remove and reindex on PostgreSQL (7260418: db
# upgrade, 7260419: the postgres engine creating its table, 72604203: a split document's completion check)
SCHEMA_LOCK = 72604202  # pg_advisory_lock key: two machines applying procrastinate's schema at once, one waits
MAX_ATTEMPTS = 3  # a job whose worker died (or whose database call failed) this often is recorded as failed


class QueueNeedsPostgres(UsageError):
    """The queue lives in PostgreSQL; an SQLite archive has none (exit 2)."""

    hint = ("give --db postgresql+psycopg://USER@HOST/DB (the database every worker reaches), "
            "or ingest without --queue on this machine")


@dataclass(frozen=True, slots=True)
class Enqueued:
    path: str
    sha256: str
    status: Literal["queued", "already-queued", "skipped", "failed"]  # skipped: already ingested
    job_id: int | None = None
    meeting_id: str | None = None
    error: str | None = None

    def as_json(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "status": self.status, "job_id": self.job_id,
                "meeting_id": self.meeting_id, "error": self.error}


@dataclass(frozen=True, slots=True)
class JobCounts:
    pending: int
    running: int
    done: int
    failed: int

    def as_json(self) -> dict:
        return {"pending": self.pending, "running": self.running, "done": self.done, "failed": self.failed}


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Documents by state: pending (waiting for a worker), running (a worker has it, or its pages are being
    read), done (stored or skipped), failed (recorded in `failures`, or given up after MAX_ATTEMPTS); and the
    page jobs of large scans by the same states."""

    pending: int
    running: int
    done: int
    failed: int
    pages: JobCounts = JobCounts(0, 0, 0, 0)

    def as_json(self) -> dict:
        return {"pending": self.pending, "running": self.running, "done": self.done, "failed": self.failed,
                "pages": self.pages.as_json()}


def require_postgres(db_url: str, command: str) -> None:
    if not db_url.startswith("postgresql"):
        raise QueueNeedsPostgres(f"`{command}` needs the job queue, which lives in PostgreSQL, "
                                 f"not in {db_url.split(':')[0]}")


def libpq_url(db_url: str) -> str:
    """The SQLAlchemy URL (`postgresql+psycopg://...`) as the libpq connection string psycopg takes."""
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(db_url: str) -> procrastinate.App:
    """The procrastinate app with our one task registered; the task body is `pipeline.worker.run_job`."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=libpq_url(db_url)))

    @app.task(name=TASK, queue=QUEUE, pass_context=True,
              retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=5))
    def ingest_document(context: procrastinate.JobContext, path: str, sha256: str) -> None:
        from pipeline.worker import run_job

        run_job(context, path, sha256)

    @app.task(name=PAGE_TASK, queue=QUEUE, pass_context=True, priority=PAGE_PRIORITY,
              retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=5))
    def ocr_page(context: procrastinate.JobContext, path: str, sha256: str, page: int, total: int) -> None:
        from pipeline.worker import run_page_job

        run_page_job(context, path, sha256, page, total)

    @app.task(name=ASSEMBLE_TASK, queue=QUEUE, pass_context=True, priority=ASSEMBLE_PRIORITY,
              retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=5))
    def assemble_document(context: procrastinate.JobContext, path: str, sha256: str) -> None:
        from pipeline.worker import run_job

        run_job(context, path, sha256, assemble=True)

    return app


def _schema_present(conn: Connection) -> bool:
    return conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def has_schema(engine: Engine) -> bool:
    with engine.connect() as conn:
        return _schema_present(conn)


@contextlib.contextmanager
def advisory_lock(engine: Engine, key: int) -> Iterator[Connection]:
    """A session-level PostgreSQL advisory lock on a connection of its own: other holders of `key`, on any
    machine, wait; the server releases it if the holder dies, however it dies."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        conn.commit()
        try:
            yield conn
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


def store_lock(engine: Engine) -> contextlib.AbstractContextManager[Connection | None]:
    """One writer of the archive at a time across every machine (workers' stores, `remove`, `reindex`); on
    SQLite the data folder's file lock is enough (one machine)."""
    if engine.dialect.name != "postgresql":
        return contextlib.nullcontext()
    return advisory_lock(engine, STORE_LOCK)


def ensure_schema(engine: Engine, db_url: str) -> bool:
    """Apply procrastinate's schema if the database has none; returns whether it was applied now."""
    if has_schema(engine):
        return False
    with advisory_lock(engine, SCHEMA_LOCK) as conn:
        if _schema_present(conn):
            return False
        app = make_app(db_url)
        with app.open():
            app.schema_manager.apply_schema()
        log.info("applied procrastinate's job queue schema")
        return True


def enqueue(paths: Iterable[Path], archive, db_url: str) -> list[Enqueued]:  # noqa: ANN001 - storage Archive
    """One job per file (absolute path, sha256); a file already ingested or queued is not queued again."""
    import procrastinate.exceptions

    from pipeline.pdf import sha256_of

    ensure_schema(archive.engine, db_url)
    app = make_app(db_url)
    task = app.tasks[TASK]
    results = []
    with app.open():
        for path in paths:
            absolute = path.resolve()
            if not absolute.is_file():
                results.append(Enqueued(str(absolute), "", "failed", error=f"{absolute}: no such file"))
                continue
            sha256 = sha256_of(absolute)
            if archive.status_of(sha256) == "ingested":
                results.append(Enqueued(str(absolute), sha256, "skipped", meeting_id=archive.meeting_id_of(sha256)))
                continue
            waiting = _open_job(archive.engine, sha256)
            if waiting is not None:
                results.append(Enqueued(str(absolute), sha256, "already-queued", job_id=waiting))
                continue
            try:
                job_id = task.configure(queueing_lock=sha256).defer(path=str(absolute), sha256=sha256)
            except procrastinate.exceptions.AlreadyEnqueued:  # another machine queued it a moment ago
                results.append(Enqueued(str(absolute), sha256, "already-queued", job_id=_open_job(archive.engine,
                                                                                                   sha256)))
                continue
            results.append(Enqueued(str(absolute), sha256, "queued", job_id=job_id))
    return results


def _open_job(engine: Engine, sha256: str) -> int | None:
    """A job for these bytes (the document's, or one of its pages') that is waiting or running (the queueing
    lock covers only waiting ones)."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM procrastinate_jobs WHERE args->>'sha256' = :sha "
                                 "AND status IN ('todo', 'doing') ORDER BY id LIMIT 1"), {"sha": sha256}).scalar()


_DOCUMENT_STATES = text("""
    WITH jobs AS (
        SELECT j.args->>'sha256' AS sha256,
               bool_or(j.status = 'doing') AS doing,
               bool_or(j.status = 'todo' AND j.task_name <> :page_task) AS waiting,
               bool_or(j.status IN ('todo', 'doing') AND j.task_name = :page_task) AS pages_open
          FROM procrastinate_jobs j
         WHERE j.queue_name = :queue
         GROUP BY 1)
    SELECT CASE WHEN j.doing OR j.pages_open THEN 'running'
                WHEN j.waiting THEN 'pending'
                WHEN d.status = 'ingested' THEN 'done'
                ELSE 'failed' END AS state,
           count(*)
      FROM jobs j
      LEFT JOIN documents d ON d.sha256 = j.sha256
     GROUP BY 1""")
_PAGE_STATES = text("""
    SELECT CASE status WHEN 'todo' THEN 'pending' WHEN 'doing' THEN 'running' WHEN 'succeeded' THEN 'done'
                ELSE 'failed' END AS state,
           count(*)
      FROM procrastinate_jobs
     WHERE queue_name = :queue AND task_name = :page_task
     GROUP BY 1""")
_STATES = ("pending", "running", "done", "failed")


def counts(engine: Engine) -> QueueCounts:
    """Documents by state (a document is running while its page jobs are; failed if its file failed, or it was
    never stored), and page jobs by state."""
    if not has_schema(engine):
        return QueueCounts(0, 0, 0, 0)
    params = {"queue": QUEUE, "page_task": PAGE_TASK}
    with engine.connect() as conn:
        documents = dict(conn.execute(_DOCUMENT_STATES, params).all())
        pages = dict(conn.execute(_PAGE_STATES, params).all())
    return QueueCounts(*(int(documents.get(state, 0)) for state in _STATES),
                       pages=JobCounts(*(int(pages.get(state, 0)) for state in _STATES)))
