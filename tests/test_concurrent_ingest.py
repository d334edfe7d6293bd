"""Two `ingest` processes on one data folder, started together on overlapping files, end as one sequential run.

Both start on an empty data folder, so they also race to create the database schema and its views, and
then to store the files they share: the real CLI, real PDFs, real SQLite and the real index.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "fixtures" / "pdf"
BAD = ROOT / "fixtures" / "bad" / "truncated.pdf"  # in both: two failures of one file make one record
FIRST = [PDF / "000.pdf", PDF / "001.pdf", BAD, PDF / "002.pdf"]
SECOND = [PDF / "002.pdf", BAD, PDF / "001.pdf", PDF / "003.pdf"]  # 001 and 002 in both, in the other order


def cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args]


def ingest_together(home: Path) -> list[list[dict]]:
    env = {**os.environ, "MOEDEARKIV_WORKERS": "1"}
    procs = [subprocess.Popen(cli(home, "ingest", "--json", *map(str, files)), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for files in (FIRST, SECOND)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 1, err  # the bad file
        assert "Traceback" not in err, err
        outputs.append([json.loads(line) for line in out.splitlines()])
    return outputs


def state(home: Path) -> dict:
    def read(*args: str) -> dict:
        proc = subprocess.run(cli(home, *args, "--json"), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    meetings = read("meetings")["meetings"]
    return {"stats": read("stats"), "failures": read("failures")["failures"],
            "meetings": sorted((m["id"], sorted((d["sha256"], d["role"]) for d in m["sources"])) for m in meetings),
            "hits": read("search", "kommune", "--limit", "1000")["total"]}


@pytest.mark.slow  # four born-digital files ingested three times: ~1 min idle, ~3.5 min under load
def test_two_ingests_on_one_home_equal_a_sequential_run(tmp_path: Path) -> None:
    together, sequential = tmp_path / "together", tmp_path / "sequential"
    first, second = ingest_together(together)
    for files in (FIRST, SECOND):
        subprocess.run(cli(sequential, "ingest", *map(str, files)), capture_output=True, timeout=900)

    statuses: dict[str, list[str]] = {}
    for result in (*first, *second):
        statuses.setdefault(Path(result["path"]).name, []).append(result["status"])
    good = [r for r in (*first, *second) if r["path"] != str(BAD)]
    assert all(result["error"] is None for result in good), (first, second)
    # every good file ingested exactly once; the process that came second found it stored and skipped it
    assert {name: sorted(s) for name, s in statuses.items()} == {
        "000.pdf": ["ingested"], "003.pdf": ["ingested"], "truncated.pdf": ["failed", "failed"],
        "001.pdf": ["ingested", "skipped"], "002.pdf": ["ingested", "skipped"]}

    got, want = state(together), state(sequential)
    assert [f["path"] for f in got["failures"]] == [str(BAD)]  # no failure record of a good file, one of the bad
    assert got["stats"]["failed"] == 1 and got["stats"]["ingested"] == 4
    assert got == want


def _open_archive(url: str) -> str:
    from storage.archive import Archive

    archive = Archive(url)
    archive.close()
    return "opened"


def test_processes_creating_one_database_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        assert list(pool.map(_open_archive, [url] * 4)) == ["opened"] * 4


def test_opening_an_archive_needs_no_write_lock(tmp_path: Path) -> None:
    """A reader starting while a writer holds SQLite's write lock opens at once (no views rewritten)."""
    db = tmp_path / "a.sqlite"
    _open_archive(f"sqlite:///{db}")
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")  # what a storing ingest holds
    try:
        assert _open_archive(f"sqlite:///{db}?timeout=0") == "opened"  # waiting would raise 'database is locked'
    finally:
        writer.rollback()
        writer.close()
