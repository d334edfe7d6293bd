"""OCR of one large scan as queue page jobs, next to an in-process ingest of the same file in the same run.

    .venv/bin/python bench/bench_page_jobs.py [--pages 12] [--workers 2]

The scan: the first `--pages` pages of the 200-dpi fixture scan `fixtures/pdf/002-scan.pdf` (qpdf). Baseline:
`moedearkiv ingest` of it into SQLite, one Tesseract process (MOEDEARKIV_WORKERS=1). Page jobs: a throwaway
PostgreSQL cluster (tests/pg.py), `ingest --queue`, then `--workers` `moedearkiv worker` processes (one
Tesseract each) until the document is stored. CPU time is that of the processes and their children (Tesseract),
so pages per CPU second is the per-core rate whatever the machine's load; wall time is printed beside it, with the
load average, and both sides' ratio.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg import start_cluster  # noqa: E402

ENV = {**os.environ, "MOEDEARKIV_WORKERS": "1", "OMP_THREAD_LIMIT": "1"}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(home: Path, db: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    db_args = ["--db", db] if db else []
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *db_args, *args],
                          capture_output=True, text=True, cwd=ROOT, env=ENV, check=True)


def baseline(scan: Path, home: Path) -> tuple[float, float]:
    cpu, wall = children_cpu(), time.monotonic()
    cli(home, None, "ingest", str(scan))
    return time.monotonic() - wall, children_cpu() - cpu


def page_jobs(scan: Path, homes: list[Path], url: str) -> tuple[float, float]:
    from sqlalchemy import create_engine, text

    cli(homes[0], url, "db", "upgrade")
    cli(homes[0], url, "ingest", "--queue", str(scan))
    engine = create_engine(url)
    cpu, wall = children_cpu(), time.monotonic()
    workers = [subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), "--db", url,
                                 "worker"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
               for home in homes]
    try:
        while True:
            with engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM documents WHERE status = 'ingested'")).scalar():
                    break
            time.sleep(0.5)
        elapsed = time.monotonic() - wall
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=300)
        engine.dispose()
    return elapsed, children_cpu() - cpu  # CPU includes the workers' start (lexicon load) and stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="queue-bench-") as tmp:
        root = Path(tmp)
        scan = root / "scan.pdf"
        subprocess.run(["qpdf", "--empty", "--pages", str(ROOT / "fixtures" / "pdf" / "002-scan.pdf"),
                        f"1-{args.pages}", "--", str(scan)], check=True)
        cli(root / "warm", None, "ingest", str(ROOT / "fixtures" / "pdf" / "000.pdf"))  # lexicon built outside both
        homes = [root / f"worker-{n}" for n in range(args.workers)]
        for home in [root / "sqlite", *homes]:
            shutil.copytree(root / "warm" / "cache", home / "cache")
        cluster = start_cluster()
        try:
            url = cluster.create_database("bench_page_jobs")
            load = os.getloadavg()[0]
            base_wall, base_cpu = baseline(scan, root / "sqlite")
            jobs_wall, jobs_cpu = page_jobs(scan, homes, url)
            load = (load + os.getloadavg()[0]) / 2
        finally:
            cluster.stop()
    n = args.pages
    print(f"load average ~{load:.1f} on {os.cpu_count()} cores; {n} scanned pages")
    print(f"in-process ingest, 1 Tesseract:  wall {base_wall:6.1f} s  CPU {base_cpu:6.1f} s  "
          f"{base_cpu / n:.2f} CPU s/page  {n / base_cpu:.3f} pages/s per core")
    print(f"page jobs, {args.workers} workers:          wall {jobs_wall:6.1f} s  CPU {jobs_cpu:6.1f} s  "
          f"{jobs_cpu / n:.2f} CPU s/page  {n / jobs_cpu:.3f} pages/s per core")
    print(f"page jobs / in-process: CPU per page {jobs_cpu / base_cpu:.2f}x, wall {jobs_wall / base_wall:.2f}x")


if __name__ == "__main__":
    main()
