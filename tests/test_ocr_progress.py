"""OCR page progress: counts from the engine (in-process and from pool workers) and the terminal line."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.ingest import Services, ingest_paths
from pipeline.ocr import _counter
from pipeline.progress import PageLine

ROOT = Path(__file__).resolve().parents[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_page_line_is_rewritten_in_place_and_cleared_before_other_output() -> None:
    stream = _Terminal()
    line = PageLine(stream)
    line("scan.pdf", 0, 3)
    line("scan.pdf", 2, 3)
    line.clear()
    assert stream.getvalue() == ("\r\033[K  OCR scan.pdf: page 0 of 3" "\r\033[K  OCR scan.pdf: page 2 of 3"
                                 "\r\033[K")
    line.clear()  # nothing shown: nothing written
    assert stream.getvalue().endswith("page 2 of 3\r\033[K")


def test_no_page_line_when_stderr_is_no_terminal() -> None:
    stream = io.StringIO()
    line = PageLine(stream)
    line("scan.pdf", 1, 3)
    line.clear()
    assert not line.enabled and stream.getvalue() == ""


def test_batches_add_up_to_the_pages_to_ocr() -> None:
    seen: list[tuple[int, int]] = []
    tick = _counter(lambda done, total: seen.append((done, total)), 5)
    for pages in ({1: 0, 2: 0}, {3: 0, 4: 0, 5: 0}):
        future: Future = Future()
        future.set_result(pages)
        tick(future)
    failed: Future = Future()
    failed.set_exception(RuntimeError("tesseract died"))
    tick(failed)  # a failed batch counts nothing (its file fails)
    assert seen == [(0, 5), (2, 5), (5, 5)]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_reports_the_ocr_pages_of_a_scan(tmp_path: Path, fixtures_dir: Path, workers: int) -> None:
    """Real Tesseract: a 3-page scan's pages counted up to 3 of 3, in-process and from a pool worker (with a
    born-digital file beside it, so the batch goes to the pool)."""
    settings = Settings.resolve(home=tmp_path / "home", quiet=True, workers=workers)
    services = Services.open(settings)
    seen: list[tuple[str, int, int]] = []
    services.page_sink = lambda name, done, total: seen.append((name, done, total))
    files = [fixtures_dir / "pdf" / "002-scan-70dpi.pdf", fixtures_dir / "pdf" / "000.pdf"]
    results = ingest_paths(files, services)
    assert [r.status for r in results] == ["ingested", "ingested"]
    scan = [(done, total) for name, done, total in seen if name == "002-scan-70dpi.pdf"]
    assert scan[0] == (0, 3) and scan[-1] == (3, 3)
    assert [d for d, _ in scan] == sorted(d for d, _ in scan)
    assert not [name for name, _, _ in seen if name == "000.pdf"]  # born-digital: nothing to OCR


@pytest.mark.slow
def test_on_a_terminal_the_result_line_never_lands_inside_the_page_line(tmp_path: Path, fixtures_dir: Path) -> None:
    """The real CLI under a pseudo-terminal (`script`): the page line shows, and each result line starts on a
    line of its own."""
    command = (f"{sys.executable} {ROOT / 'cli.py'} --home {tmp_path / 'home'} ingest "
               f"{fixtures_dir / 'pdf' / '002-scan-70dpi.pdf'}")
    out = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "MOEDEARKIV_WORKERS": "1"}, check=True).stdout
    assert "OCR 002-scan-70dpi.pdf: page 3 of 3" in out
    result = next(line for line in out.splitlines() if "ingested" in line and "002-scan-70dpi.pdf ->" in line)
    assert result.rsplit("\r", 1)[-1].replace("\x1b[K", "").startswith("ingested")
