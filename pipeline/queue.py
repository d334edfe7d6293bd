"""The durable job queue in the archive's own PostgreSQL (procrastinate): one job per document, by sha256.

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
class QueueCounts:
    """pending: waiting for a worker; running: a worker has it; done: stored or skipped; failed: the file failed
    (recorded in `failures`) or the job gave up after MAX_ATTEMPTS."""

    pending: int
    running: int
    done: int
    failed: int

    def as_json(self) -> dict:
        return {"pending": self.pending, "running": self.running, "done": self.done, "failed": self.failed}


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
    """A job for these bytes that is waiting or running (the queueing lock covers only waiting ones)."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM procrastinate_jobs WHERE queueing_lock = :sha "
                                 "AND status IN ('todo', 'doing') ORDER BY id LIMIT 1"), {"sha": sha256}).scalar()


def counts(engine: Engine) -> QueueCounts:
    """Jobs by state; a finished job whose document is recorded as failed counts as failed."""
    if not has_schema(engine):
        return QueueCounts(0, 0, 0, 0)
    query = text("""
        SELECT CASE WHEN j.status = 'todo' THEN 'pending'
                    WHEN j.status = 'doing' THEN 'running'
                    WHEN j.status = 'succeeded' AND d.status = 'failed' THEN 'failed'
                    WHEN j.status = 'succeeded' THEN 'done'
                    ELSE 'failed' END AS state,
               count(*)
          FROM procrastinate_jobs j
          LEFT JOIN documents d ON d.sha256 = j.args->>'sha256'
         WHERE j.queue_name = :queue
         GROUP BY 1""")
    with engine.connect() as conn:
        found = dict(conn.execute(query, {"queue": QUEUE}).all())
    return QueueCounts(**{state: int(found.get(state, 0)) for state in ("pending", "running", "done", "failed")})
