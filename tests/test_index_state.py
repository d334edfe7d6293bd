"""One index state in the database: switching engines on an existing archive never gives a silent 0 hits."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def total(home: Path, engine: str, query: str = "kommunerne") -> int:
    proc = cli(home, "--engine", engine, "search", "--json", query)
    assert proc.returncode == 0, proc.stderr
    return int(json.loads(proc.stdout)["total"])


def test_a_missing_or_stale_index_says_run_reindex_and_reindex_makes_it_current(tmp_path: Path) -> None:
    assert cli(tmp_path, "--engine", "whoosh", "ingest", str(FIXTURES / "pdf" / "000.pdf")).returncode == 0
    missing = cli(tmp_path, "--engine", "tantivy", "search", "kommunerne")
    assert missing.returncode == 2 and "no tantivy index" in missing.stderr
    assert "moedearkiv --engine tantivy reindex" in missing.stderr and "current: whoosh" in missing.stderr
    assert cli(tmp_path, "--engine", "tantivy", "reindex").returncode == 0
    assert total(tmp_path, "tantivy") == total(tmp_path, "whoosh") > 0

    assert cli(tmp_path, "--engine", "tantivy", "ingest", str(FIXTURES / "pdf" / "001.pdf")).returncode == 0
    stale = cli(tmp_path, "--engine", "whoosh", "search", "kommunerne")
    assert stale.returncode == 2 and "whoosh index is stale" in stale.stderr and "reindex" in stale.stderr
    assert cli(tmp_path, "--engine", "whoosh", "reindex").returncode == 0
    assert total(tmp_path, "whoosh") == total(tmp_path, "tantivy") > 0
