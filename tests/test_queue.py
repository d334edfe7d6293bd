"""The job queue in PostgreSQL: `ingest --queue`, `moedearkiv worker` processes (one killed with -9 mid-job), `queue`.

Real PostgreSQL (tests/pg.py), real worker processes started as the user would start them, real Tesseract on a
two-page scan. In the end every document is ingested exactly once and the archive equals an in-process ingest of
the same files into SQLite: `stats` and the `search` totals.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipeline.page_jobs import StoredPages, decode, encode
from pipeline.queue import advisory_lock
from tests import proc_table
from tests.conftest import FIXTURES, ROOT

SCAN = FIXTURES / "real" / "dk_ballerup_bygningsliste_SCANNED_p1-2.pdf"  # first: a worker takes it at once
BORN_DIGITAL = [FIXTURES / "pdf" / "000.pdf",
                FIXTURES / "real" / "dk_ballerup_sfu_2012-12-04_punkt04_takstreduktion.pdf",
                FIXTURES / "real" / "dk_ballerup_sfu_2012-12-04_punkt01_meddelelser.pdf"]  # one meeting, two workers
BAD = FIXTURES / "bad" / "truncated.pdf"
FILES = [SCAN, *BORN_DIGITAL, BAD]
QUERIES = ["kommune", "bygning* OR takstreduktion"]
NO_PAGES = {"pending": 0, "running": 0, "done": 0, "failed": 0}  # the 2-page scan is below the split threshold
STORE_LOCK = 72604201  # pipeline.queue.STORE_LOCK, as pg_locks shows a one-key advisory lock: objid, classid 0
ENV = {**os.environ, "MOEDEARKIV_WORKERS": "1", "OMP_THREAD_LIMIT": "1"}


def cli(home: Path, db: str | None, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    db_args = ["--db", db] if db else []
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *db_args, *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=ENV)


def start_worker(home: Path, db: str, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), "--db", db,
                                 "worker", "--stall-timeout", "10"], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                env=ENV)


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process, from /proc."""
    return {pid: (process.parent, process.cmdline.replace(b"\0", b" ").decode(errors="replace"))
            for pid, process in proc_table.processes().items()}


def wait_for(condition, timeout: float, what: str, every: float = 0.1):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def summary(home: Path, db: str | None) -> dict:
    stats = cli(home, db, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    totals = {}
    for query in QUERIES:
        found = cli(home, db, "search", "--json", "--limit", "100", query)
        assert found.returncode == 0, found.stderr
        result = json.loads(found.stdout)
        totals[query] = (result["total"], sorted((h["meeting_id"], h["item_number"], h["section"])
                                                 for h in result["hits"]))
    return {"stats": json.loads(stats.stdout), "search": totals}


@pytest.mark.slow
def test_two_workers_one_killed_mid_job_ingest_every_document_once(pg_url: str, tmp_path: Path) -> None:
    sqlite_home = tmp_path / "sqlite"
    local = cli(sqlite_home, None, "ingest", *map(str, FILES))  # absolute paths, as the queue stores them
    assert local.returncode == 1, local.stderr  # the truncated file fails, the rest is ingested

    homes = [tmp_path / name for name in ("machine-a", "machine-b", "machine-c")]  # one lexicon cache per machine
    assert cli(homes[0], pg_url, "db", "upgrade").returncode == 0
    queued = cli(homes[0], pg_url, "ingest", "--queue", "--json", *map(str, FILES))
    assert queued.returncode == 0, queued.stderr
    assert [json.loads(line)["status"] for line in queued.stdout.splitlines()] == ["queued"] * len(FILES)
    again = cli(homes[1], pg_url, "ingest", "--queue", "--json", *map(str, FILES))
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == ["already-queued"] * len(FILES)

    workers = [start_worker(home, pg_url, tmp_path / f"{home.name}.log") for home in homes[:2]]
    try:
        def ocr_running() -> subprocess.Popen | None:  # a worker with a Tesseract child is mid-job
            table = processes()
            return next((w for w in workers if any(parent == w.pid and "tesseract" in cmd
                                                   for parent, cmd in table.values())), None)

        victim = wait_for(ocr_running, 600, "a worker running Tesseract")
        orphans = proc_table.descendants(victim.pid)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        wait_for(lambda: not any(pid in processes() and "tesseract" in processes()[pid][1] for pid in orphans), 30,
                 "the killed worker's Tesseract to be killed by its watchdog")
        survivor = next(w for w in workers if w is not victim)
        workers = [survivor, start_worker(homes[2], pg_url, tmp_path / f"{homes[2].name}.log")]  # restarted

        engine = create_engine(pg_url)

        def finished() -> bool:  # in SQL, not by `queue`: a CLI start a second would take the workers' CPU
            with engine.connect() as conn:
                return not conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN "
                                             "('todo', 'doing')")).scalar()

        wait_for(finished, 900, "the queue to empty", every=1)
        engine.dispose()
    finally:
        stop(workers)
    logs = {p.name: p.read_text() for p in tmp_path.glob("*.log")}
    counts = json.loads(cli(homes[2], pg_url, "queue", "--json").stdout)
    assert counts == {"pending": 0, "running": 0, "done": len(FILES) - 1, "failed": 1, "pages": NO_PAGES}, logs
    assert all(w.returncode == 0 for w in workers), logs  # SIGTERM stops a worker cleanly once its job is done
    left = [pid for pid, (_, cmd) in processes().items() if any(str(home) in cmd for home in homes)]
    assert not left, f"worker processes left behind: {left}"

    engine = create_engine(pg_url)
    with engine.connect() as conn:
        jobs = conn.execute(text("SELECT queueing_lock, status, attempts FROM procrastinate_jobs")).all()
        documents = conn.execute(text("SELECT sha256, count(*), min(status) FROM documents GROUP BY sha256")).all()
    engine.dispose()
    assert len(jobs) == len({sha for sha, _, _ in jobs}) == len(FILES)  # one job per document
    assert {status for _, status, _ in jobs} == {"succeeded"}
    assert max(attempts for _, _, attempts in jobs) >= 1, "the killed worker's job was run again"
    assert len(documents) == len(FILES) and all(n == 1 for _, n, _ in documents)  # each stored exactly once
    assert sorted(status for _, _, status in documents) == ["failed"] + ["ingested"] * (len(FILES) - 1)

    assert summary(homes[2], pg_url) == summary(sqlite_home, None)
    requeued = cli(homes[0], pg_url, "ingest", "--queue", "--json", *map(str, [SCAN, *BORN_DIGITAL]))
    assert {json.loads(line)["status"] for line in requeued.stdout.splitlines()} == {"skipped"}


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=120)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def exported(home: Path, db: str | None, out: Path) -> dict[str, dict]:
    proc = cli(home, db, "export", "--all", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))}


def big_scan(tmp_path: Path, pages: int = 6) -> Path:
    """A scan of more pages than the split threshold (4), cut from the 36-page 200-dpi fixture scan."""
    out = tmp_path / "big-scan.pdf"
    subprocess.run(["qpdf", "--empty", "--pages", str(FIXTURES / "pdf" / "002-scan.pdf"), f"1-{pages}", "--",
                    str(out)], check=True, timeout=120)
    return out


@pytest.mark.slow
def test_a_big_scan_is_read_as_page_jobs_by_two_workers_one_killed_mid_page(pg_url: str, tmp_path: Path) -> None:
    scan = big_scan(tmp_path)
    sqlite_home = tmp_path / "sqlite"
    local = cli(sqlite_home, None, "ingest", str(scan))
    assert local.returncode == 0, local.stderr
    homes = [tmp_path / name for name in ("machine-a", "machine-b", "machine-c")]
    assert cli(homes[0], pg_url, "db", "upgrade").returncode == 0
    queued = cli(homes[0], pg_url, "ingest", "--queue", "--json", str(scan))
    assert json.loads(queued.stdout)["status"] == "queued", queued.stderr
    sha256 = json.loads(queued.stdout)["sha256"]

    engine = create_engine(pg_url)

    def page_jobs(status: str) -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'moedearkiv.ocr_page' "
                                     "AND status = :status"), {"status": status}).scalar()

    workers = [start_worker(home, pg_url, tmp_path / f"{home.name}.log") for home in homes[:2]]
    try:
        def reading_a_page() -> subprocess.Popen | None:  # a worker with a Tesseract child, while page jobs run
            table = processes()
            busy = next((w for w in workers if any(parent == w.pid and "tesseract" in cmd
                                                   for parent, cmd in table.values())), None)
            return busy if busy is not None and page_jobs("doing") else None

        victim = wait_for(reading_a_page, 600, "a worker running Tesseract on a page job")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        survivor = next(w for w in workers if w is not victim)
        workers = [survivor, start_worker(homes[2], pg_url, tmp_path / f"{homes[2].name}.log")]

        def finished() -> bool:
            with engine.connect() as conn:
                return not conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE status IN "
                                             "('todo', 'doing')")).scalar()

        wait_for(finished, 900, "the queue to empty", every=1)
    finally:
        stop(workers)
    logs = {p.name: p.read_text() for p in tmp_path.glob("*.log")}
    with engine.connect() as conn:
        jobs = conn.execute(text("SELECT task_name, args->>'page', status, attempts FROM procrastinate_jobs")).all()
        stored = conn.execute(text("SELECT number FROM ocr_pages WHERE sha256 = :sha ORDER BY number"),
                              {"sha": sha256}).scalars().all()
        documents = conn.execute(text("SELECT sha256, status FROM documents")).all()
    engine.dispose()
    pages = sorted(int(page) for task, page, _, _ in jobs if task == "moedearkiv.ocr_page")
    assert pages == [1, 2, 3, 4, 5, 6], (jobs, logs)  # one job per page, none deferred twice
    assert stored == pages, logs  # one stored result per page, the killed page's included
    assert {status for *_, status, _ in jobs} == {"succeeded"}, (jobs, logs)
    assert max(attempts for task, _, _, attempts in jobs if task == "moedearkiv.ocr_page") >= 1, "no page retried"
    assert sorted(task for task, *_ in jobs) == ["moedearkiv.assemble_document", "moedearkiv.ingest_document",
                                                 *["moedearkiv.ocr_page"] * 6]  # assembled once
    assert documents == [(sha256, "ingested")], logs
    counts = json.loads(cli(homes[2], pg_url, "queue", "--json").stdout)
    assert counts == {"pending": 0, "running": 0, "done": 1, "failed": 0,
                      "pages": {"pending": 0, "running": 0, "done": 6, "failed": 0}}
    assert exported(homes[2], pg_url, tmp_path / "pg-export") == exported(sqlite_home, None, tmp_path / "sq-export")


def test_stored_pages_are_read_back_as_tesseract_gave_them(tmp_path: Path) -> None:
    """The JSON round trip of an OCR page keeps every field; a page not stored is read by the fallback."""
    from parsers.model import Line
    from pipeline.ocr import OcrPage

    page = OcrPage((Line("Økonomiudvalget", 1, 72.5, None, None, 14.25), Line("Punkt 1", 1, 100.0)),
                   (("Økonomiudvalget", 0.1, 0.2, 0.5, 0.25),))
    lines, words = encode(page)
    assert decode(json.loads(json.dumps(lines)), json.loads(json.dumps(words))) == page

    class Fallback:
        asked: list[int] = []

        def read_pages(self, pdf, numbers):  # noqa: ANN001, ANN202
            self.asked.extend(numbers)
            return {n: OcrPage((Line(f"read {n}", n),), ()) for n in numbers}

    fallback = Fallback()
    read = StoredPages({1: page}, fallback).read_pages(None, [1, 3])  # type: ignore[arg-type]
    assert read[1] == page and read[3].lines[0].text == "read 3" and fallback.asked == [3]


@pytest.mark.parametrize("command", [["remove", "000.pdf"], ["reindex"]])
def test_remove_and_reindex_wait_for_a_workers_store(pg_url: str, tmp_path: Path, command: list[str]) -> None:
    """A worker stores under the store lock (pipeline.queue.store_lock): `remove` and `reindex` wait for it."""
    home = tmp_path / "home"
    source = BORN_DIGITAL[0]
    assert cli(home, pg_url, "ingest", str(source)).returncode == 0
    args = ["remove", str(source)] if command[0] == "remove" else command
    engine = create_engine(pg_url)

    def waiting() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 "
                                     "AND objid = :key AND NOT granted"), {"key": STORE_LOCK}).scalar()

    with advisory_lock(engine, STORE_LOCK):  # as a worker holds it while it stores
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), "--db", pg_url,
                                 *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV)
        try:
            wait_for(waiting, 300, f"`{args[0]}` to wait for the store lock", every=0.2)
            with engine.connect() as conn:
                documents = conn.execute(text("SELECT count(*) FROM documents")).scalar()
            assert documents == 1 and proc.poll() is None  # nothing removed while the lock is held
        except BaseException:
            proc.kill()
            raise
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    with engine.connect() as conn:
        documents = conn.execute(text("SELECT count(*) FROM documents")).scalar()
    engine.dispose()
    assert documents == (0 if args[0] == "remove" else 1)


def test_the_queue_needs_postgresql(tmp_path: Path) -> None:
    for args in (["ingest", "--queue", str(BORN_DIGITAL[0])], ["queue"], ["worker"]):
        proc = cli(tmp_path / "home", None, *args, timeout=120)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "PostgreSQL" in proc.stderr and "--db postgresql+psycopg://" in proc.stderr, proc.stderr
    assert not (tmp_path / "home" / "moedearkiv.sqlite").exists()


def test_a_worker_refuses_an_index_of_one_machine(pg_url: str, tmp_path: Path) -> None:
    proc = cli(tmp_path / "home", pg_url, "--engine", "tantivy", "worker", timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "--engine postgres" in proc.stderr
