"""`ingest --workers N`: a process pool reads, the parent stores in order, so the archive equals a sequential
run's; a bad file stays one failure record; the lexicon is built once per machine (pipeline/pool.py,
parsers/lexicon_cache.py). Real PDFs, real Tesseract, real SQLite and Whoosh, through the CLI."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from tests import proc_table

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
BORN_DIGITAL = [FIXTURES / "pdf" / name for name in ("000.pdf", "001.pdf", "002.pdf", "004.pdf")] + sorted(
    p for p in (FIXTURES / "real").glob("*.pdf") if "SCANNED" not in p.name)
SCANNED = FIXTURES / "real" / "dk_ballerup_bygningsliste_SCANNED_p1-2.pdf"
BAD = sorted((FIXTURES / "bad").glob("*.pdf"))


def run(home: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"MOEDEARKIV_CACHE_DIR": str(cache)} if cache else {})}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, env=env, timeout=1800)


def archive_view(home: Path, out: Path) -> dict[str, object]:
    """What a user sees of an archive: stats, meetings and every exported meeting file."""
    stats = json.loads(run(home, "stats", "--json").stdout)
    meetings = json.loads(run(home, "meetings", "--json").stdout)
    exported = run(home, "export", "--all", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    files = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))}
    return {"stats": stats, "meetings": meetings, "exports": files}


@pytest.mark.slow
def test_two_workers_build_the_same_archive_as_one(tmp_path: Path) -> None:
    batch = [*BORN_DIGITAL, SCANNED, *BAD]
    one = run(tmp_path / "one", "ingest", "--json", "--workers", "1", *map(str, batch))
    two = run(tmp_path / "two", "ingest", "--json", "--workers", "2", *map(str, batch))
    assert one.returncode == two.returncode == 1  # the bad files failed, the rest went in
    lines_one = [json.loads(line) for line in one.stdout.splitlines()]
    assert [r["path"] for r in lines_one] == [str(p) for p in batch]  # in input order
    assert [json.loads(line) for line in two.stdout.splitlines()] == lines_one
    assert sum(r["status"] == "ingested" for r in lines_one) >= len(BORN_DIGITAL) // 2
    view_one = archive_view(tmp_path / "one", tmp_path / "out-one")
    view_two = archive_view(tmp_path / "two", tmp_path / "out-two")
    assert view_one["exports"], "nothing exported"
    assert view_two == view_one
    ocr_pages = view_one["stats"]["ocr_pages"]  # type: ignore[index]
    assert ocr_pages >= 1, "the scan was read by Tesseract in a worker"
    hits = run(tmp_path / "two", "search", "--json", "bygning")
    assert hits.returncode == 0 and json.loads(hits.stdout)["total"] >= 1


def test_a_bad_file_in_a_parallel_batch_is_a_failure_record_and_the_rest_is_ingested(tmp_path: Path) -> None:
    batch = [BORN_DIGITAL[0], BAD[0], BORN_DIGITAL[1], BAD[-1], BORN_DIGITAL[2]]
    done = run(tmp_path / "home", "ingest", "--json", "--workers", "2", *map(str, batch))
    assert done.returncode == 1, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["status"] for r in results] == ["ingested", "failed", "ingested", "failed", "ingested"]
    assert all(r["error"] and r["path"] in r["error"] for r in results if r["status"] == "failed")
    assert "Traceback" not in done.stderr
    failures = json.loads(run(tmp_path / "home", "failures", "--json").stdout)["failures"]
    assert sorted(f["path"] for f in failures) == sorted(str(p.resolve()) for p in (BAD[0], BAD[-1]))
    again = run(tmp_path / "home", "ingest", "--json", "--workers", "2", *map(str, batch[::2]))
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == ["skipped"] * 3


@pytest.mark.slow
def test_the_lexicon_is_built_once_per_machine_and_reused_by_a_fresh_data_folder(tmp_path: Path) -> None:
    cache = tmp_path / "user-cache"
    batch = [str(p) for p in BORN_DIGITAL[:3]]
    first = run(tmp_path / "first", "ingest", "--workers", "2", *batch, cache=cache)
    assert first.returncode == 0, first.stderr
    built = sorted(cache.glob("lexicon-*.marshal"))
    assert len(built) == 1
    before = built[0].stat()
    second = run(tmp_path / "second", "ingest", "--workers", "2", *batch, cache=cache)
    assert second.returncode == 0, second.stderr
    after = built[0].stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(cache.glob("lexicon-*")) == built  # no second build, no temporary file left
    assert not (tmp_path / "second" / "cache").exists() or not list((tmp_path / "second" / "cache").glob("lex*"))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_sigterm_leaves_no_worker_behind(tmp_path: Path) -> None:
    batch = [str(p) for p in BORN_DIGITAL] * 1
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(tmp_path / "h"),
                                "ingest", "--workers", "2", *batch], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(seen) < 3 and process.poll() is None:  # watchdog + 2 workers
        seen |= proc_table.descendants(process.pid)
        time.sleep(0.05)
    if process.poll() is not None:
        pytest.skip("the batch finished before the workers could be seen (machine too fast for this check)")
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert not _still_alive(seen), "a child outlived the interrupted ingest"


def _still_alive(pids: set[int], seconds: float = 15.0) -> set[int]:
    """Those of `pids` still running after `seconds` (multiprocessing's resource tracker, one of the children
    since the workers come from a forkserver, exits only once every holder of its pipe is gone)."""
    alive = set(pids)
    deadline = time.monotonic() + seconds
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if _alive(pid)}
        time.sleep(0.1)
    return alive


def test_kill_9_of_a_parallel_ingest_leaves_no_worker_and_no_folder_behind(tmp_path: Path) -> None:
    """The workers are forked from a forkserver (pipeline/forkserver.py), not from the ingest: they and it
    must still die with it, and the forkserver's socket folder is swept by the next command."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    batch = [str(p) for p in BORN_DIGITAL] * 2
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(tmp_path / "h"),
                                "ingest", "--workers", "2", *batch], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not list(temp.glob("moedearkiv-mp-*")):
        time.sleep(0.02)
    while time.monotonic() < deadline and len(seen) < 4 and process.poll() is None:  # forkserver + 2 workers + more
        seen |= proc_table.descendants(process.pid)
        time.sleep(0.05)
    if process.poll() is not None:
        pytest.skip("the batch finished before the workers could be seen (machine too fast for this check)")
    process.kill()
    process.wait(timeout=30)
    assert not _still_alive(seen), "a process outlived the killed ingest"
    assert [p.name for p in temp.glob("moedearkiv-mp-*")] == [f"moedearkiv-mp-{process.pid}"]
    assert run_in(env, tmp_path / "h", "stats").returncode == 0
    assert not list(temp.glob("moedearkiv-mp-*")) and not list(temp.glob("moedearkiv-ocr-*"))


def run_in(env: dict[str, str], home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, env=env, timeout=600)


DIES_BEFORE_THE_INDEX_COMMIT = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from pipeline.config import Settings
from pipeline.index_batch import batched
from pipeline.ingest import Services, ingest_file
services = Services.open(Settings.resolve(home=sys.argv[1], workers=1))
with batched(services, max_docs=100, max_seconds=3600) as batch:
    for name in sys.argv[2:]:
        assert ingest_file(Path(name), services).status == "ingested"
        batch.document_done()
    os._exit(9)  # killed after the database commits, before the batch's index commit
"""


def test_a_writer_killed_before_its_batched_index_commit_is_redone_by_the_next(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = DIES_BEFORE_THE_INDEX_COMMIT.format(root=str(ROOT))
    died = subprocess.run([sys.executable, "-c", code, str(home), *map(str, BORN_DIGITAL[:2])],
                          capture_output=True, text=True, timeout=600)
    assert died.returncode == 9, died.stderr
    markers = list((home / "index-pending").glob("*.json"))
    assert len(markers) >= 2  # one per held meeting
    stats = json.loads(run(home, "stats", "--json").stdout)
    assert stats["ingested"] == 2
    before = run(home, "search", "--json", "lærepladser")
    assert before.returncode != 0 or json.loads(before.stdout)["total"] == 0  # the index never got them
    run(home, "ingest", str(BORN_DIGITAL[2]))  # the next writer redoes the pending meetings first
    assert not list((home / "index-pending").glob("*.json"))
    after = json.loads(run(home, "search", "--json", "lærepladser").stdout)
    assert after["total"] >= 1


def _failed_build(_docs: list) -> Future:
    failed: Future = Future()
    failed.set_exception(RuntimeError("no worker"))
    return failed


@pytest.mark.parametrize("build", ["pool", "fails", "split"])
def test_a_batch_whose_segment_a_worker_builds_or_fails_to_build_indexes_what_a_direct_write_does(
        tmp_path: Path, build: str) -> None:
    """Two flushes: the first batch's segment is built elsewhere (a real process pool, or a build that fails and
    is written by the parent), committed at the second flush; markers go only after the commit. `split`: one
    flush at the end, its meetings split over two workers' segments, committed in order."""
    from concurrent.futures import ProcessPoolExecutor

    from index.whoosh.segments import build_segment
    from pipeline.config import Settings
    from pipeline.index_batch import batched
    from pipeline.ingest import Services, ingest_file

    reference = tmp_path / "reference"
    assert run(reference, "ingest", "--workers", "1", *map(str, BORN_DIGITAL[:3])).returncode == 0
    services = Services.open(Settings.resolve(home=tmp_path / "home", workers=1, quiet=True))
    built: list[int] = []

    def builder(docs: list) -> Future:
        built.append(len({doc.meeting_id for doc in docs}))
        return pool.submit(build_segment, docs) if build != "fails" else _failed_build(docs)

    limits = {"max_docs": 100, "parts": 2} if build == "split" else {"max_docs": 2}
    with ProcessPoolExecutor(2) as pool:
        with batched(services, builder=builder, **limits) as batch:
            for path in BORN_DIGITAL[:3]:
                assert ingest_file(path, services).status == "ingested"
                batch.document_done()
                if path == BORN_DIGITAL[1]:  # the first flush: its segment is building, its markers wait
                    assert list((tmp_path / "home" / "index-pending").glob("*.json"))
    # meetings per segment built: the first batch's 2; split: all 3 in two runs of whole meetings
    assert (len(built), sum(built)) == ((2, 3) if build == "split" else (1, 2))
    assert not list((tmp_path / "home" / "index-pending").glob("*.json"))
    services.index.close()
    for query in ("lærepladser", "kommune", "beslutning"):
        ours = json.loads(run(tmp_path / "home", "search", "--json", "--limit", "100", query).stdout)
        theirs = json.loads(run(reference, "search", "--json", "--limit", "100", query).stdout)
        assert ours["total"] > 0 and ours == theirs


def test_the_last_flush_is_split_into_runs_of_whole_meetings_of_about_equal_records() -> None:
    from pipeline.index_batch import split_runs

    held = {"a": [1] * 30, "b": [1] * 30, "c": [1] * 30, "d": [], "e": [1] * 42}
    runs = split_runs(held, 2)  # type: ignore[arg-type]
    assert [list(run) for run in runs] == [["a", "b"], ["c", "d", "e"]]
    assert [list(run) for run in split_runs(held, 1)] == [list(held)]  # type: ignore[arg-type]
    assert [list(run) for run in split_runs({"a": [1]}, 4)] == [["a"]]  # type: ignore[arg-type]
    assert sum(len(run) for run in split_runs(held, 8)) == len(held)  # type: ignore[arg-type]
