"""The error boundary: bad settings, states and missing programs give one line and an ExitCode, no traceback."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import ExitCode
from tests import proc_table

ROOT = Path(__file__).resolve().parents[1]


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


def assert_one_line(proc: subprocess.CompletedProcess, code: int, words: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.strip().splitlines() if not line.startswith("WARNING")]  # log lines
    assert len(lines) == 1 and words in lines[0], proc.stderr


@pytest.mark.parametrize(("env", "words"), [
    ({"MOEDEARKIV_ENGINE": "lucene"}, "unknown search engine 'lucene'"),
    ({"MOEDEARKIV_WORKERS": "many"}, "MOEDEARKIV_WORKERS='many'"),
    ({"MOEDEARKIV_DB": "nosuchdb://x"}, "unusable database URL"),
    ({"MOEDEARKIV_DB": "sqlite:////proc/no/such/dir/a.sqlite"}, "cannot open the database"),
])
def test_bad_setting_is_exit_2_with_one_line(tmp_path: Path, env: dict[str, str], words: str) -> None:
    assert_one_line(run(tmp_path / "H", "stats", env=env), ExitCode.USAGE, words)


def test_index_of_another_version_is_rebuilt_by_reindex(tmp_path: Path, fixtures_dir: Path) -> None:
    home = tmp_path / "H"
    assert run(home, "ingest", str(fixtures_dir / "pdf" / "000.pdf")).returncode == 0
    before = json.loads(run(home, "search", "kommune", "--json").stdout)["total"]
    (home / "index" / "moedearkiv-index.json").write_text('{"engine": "whoosh", "schema_version": 0}')
    assert_one_line(run(home, "search", "kommune"), ExitCode.USAGE, "moedearkiv reindex")
    assert run(home, "stats").returncode == 0  # commands without the index are not affected
    assert run(home, "reindex").returncode == 0
    assert json.loads(run(home, "search", "kommune", "--json").stdout)["total"] == before > 0


def test_missing_tesseract_stops_the_batch_with_exit_3(tmp_path: Path, fixtures_dir: Path) -> None:
    bin_dir = tmp_path / "bin"  # a PATH with python but no tesseract
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    assert shutil.which("tesseract", path=str(bin_dir)) is None
    proc = run(tmp_path / "H", "ingest", str(fixtures_dir / "pdf" / "002-scan.pdf"), env={"PATH": str(bin_dir)})
    assert_one_line(proc, ExitCode.MISSING_DEPENDENCY, "apt-get install tesseract-ocr tesseract-ocr-dan")
    stats = json.loads(run(tmp_path / "H", "stats", "--json").stdout)
    assert stats["failed"] == 0  # not recorded against the file: it is not the file's fault


def test_second_writer_waits_then_exits_busy(tmp_path: Path, fixtures_dir: Path) -> None:
    from pipeline.lock import writer_lock

    home = tmp_path / "H"
    with writer_lock(home, timeout=0):  # another writer, in this process
        proc = run(home, "ingest", str(fixtures_dir / "pdf" / "000.pdf"), env={"MOEDEARKIV_LOCK_TIMEOUT": "1"})
        assert_one_line(proc, ExitCode.BUSY, f"another moedearkiv is writing to {home}")
        assert run(home, "stats").returncode == 0  # readers never wait
    stats = json.loads(run(home, "stats", "--json").stdout)
    assert stats["failed"] == 0 and stats["documents"] == 0


def test_index_pending_is_redone_by_the_next_writer(tmp_path: Path, fixtures_dir: Path) -> None:
    from storage import pending

    home = tmp_path / "H"
    pdf = str(fixtures_dir / "pdf" / "000.pdf")
    assert run(home, "ingest", pdf).returncode == 0
    before = json.loads(run(home, "search", "kommune", "--json").stdout)["total"]
    shutil.rmtree(home / "index")  # as if the index write never happened
    pending.mark(home, everything=True)
    assert run(home, "ingest", pdf).returncode == 0  # skipped, but the writer redoes the pending index write
    assert pending.outstanding(home) == []
    assert json.loads(run(home, "search", "kommune", "--json").stdout)["total"] == before > 0


@pytest.mark.slow
def test_sigterm_during_ocr_leaves_no_child_no_folder_no_failure(tmp_path: Path, fixtures_dir: Path) -> None:
    import signal
    import tempfile
    import time

    home = tmp_path / "H"
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), "ingest",
                             str(fixtures_dir / "pdf" / "003-scan-p1-4.pdf")], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 400  # the lexicon loads first
    def reading() -> list[int]:  # a Tesseract reading pages, not the short `--list-langs` or `--version` calls
        return [p.pid for p in proc_table.processes().values()
                if p.parent == proc.pid and p.name == "tesseract" and b"moedearkiv-ocr-" in p.cmdline]

    while not reading() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reading(), "no OCR started"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, stderr
    assert "interrupted while ingesting" in stderr and "Traceback" not in stderr
    assert not (Path(tempfile.gettempdir()) / f"moedearkiv-ocr-{proc.pid}").exists()
    assert not [p for p in proc_table.processes().values() if f"moedearkiv-ocr-{proc.pid}".encode() in p.cmdline]
    stats = json.loads(run(home, "stats", "--json").stdout)
    assert stats["failed"] == 0 and stats["documents"] == 0
