"""The reading room's test archives, built once per test process (real PDFs, real SQLite, real index)."""
from __future__ import annotations

import atexit
import functools
import hashlib
import shutil
import tempfile
from pathlib import Path

from pipeline.config import Settings
from pipeline.ingest import Services, ingest_paths

ROOT = Path(__file__).resolve().parents[1]
BORN_DIGITAL = ROOT / "fixtures" / "pdf" / "000.pdf"  # KKR Hovedstaden agenda 2026, item 3.7 on lærepladser
MINUTES = ROOT / "fixtures" / "pdf" / "001.pdf"  # KKR Hovedstaden minutes 2025, with participants
CASE_REFERAT = ROOT / "fixtures" / "real" / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf"  # 12/27845
SCAN = ROOT / "fixtures" / "pdf" / "003-scan-p1-4.pdf"  # 4 scanned pages: OCR'd by Tesseract


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def web_settings(with_scan: bool = False) -> Settings:
    """Settings of an archive of the born-digital agenda, minutes and a real referat (and the small scan)."""
    home = Path(tempfile.mkdtemp(prefix="moedearkiv-web-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)  # kept for the test process, then removed
    settings = Settings.resolve(home=home, env={}, quiet=True, workers=2)
    services = Services.open(settings)
    paths = [BORN_DIGITAL, MINUTES, CASE_REFERAT] + ([SCAN] if with_scan else [])
    results = ingest_paths(paths, services)
    assert [r.status for r in results] == ["ingested"] * len(paths), [r.error for r in results]
    services.index.close()
    services.archive.close()
    return settings
