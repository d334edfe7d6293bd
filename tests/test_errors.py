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

ROOT = Path(__file__).resolve().parents[1]


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


def assert_one_line(proc: subprocess.CompletedProcess, code: int, words: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
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
