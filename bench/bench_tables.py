"""Cost of the table step (pipeline/tables.py) on the born-digital fixtures and the real PDFs.

    .venv/bin/python bench/bench_tables.py [--repeat 3]

Pages/s of the text-layer extraction alone, of extraction plus find_tables (pypdfium2 pre-check, pdfplumber
only on pages with enough path segments), and of pdfplumber's find_tables on every page (what the pre-check saves).
Best of --repeat runs each, since machines are noisy.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import read_text_layer  # noqa: E402
from pipeline.pdf import open_pdf  # noqa: E402
from pipeline.tables import find_tables, ruled_pages  # noqa: E402

FILES = sorted((ROOT / "fixtures" / "pdf").glob("00[0-4].pdf")) + [
    p for p in sorted((ROOT / "fixtures" / "real").glob("*.pdf")) if "SCANNED" not in p.name]


def read_pages(path: Path) -> list:
    pdf = open_pdf(path)
    try:
        return read_text_layer(pdf)
    finally:
        pdf.close()


def extract(path: Path) -> int:
    return len(read_pages(path))


def extract_and_tables(path: Path) -> int:
    pdf = open_pdf(path)
    try:
        pages = read_text_layer(pdf)
    finally:
        pdf.close()
    find_tables(path, pages)
    return len(pages)


def plumber_every_page(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.find_tables()
            page.close()
        return len(pdf.pages)


def best_rate(step: Callable[[Path], int], files: list[Path], repeat: int) -> tuple[int, float]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = sum(step(path) for path in files)
        best = min(best, time.perf_counter() - start)
    return pages, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    candidates = sum(len(ruled_pages(read_pages(path))) for path in FILES)
    for name, step in [("extract", extract), ("extract + tables", extract_and_tables),
                       ("pdfplumber find_tables, every page", plumber_every_page)]:
        pages, seconds = best_rate(step, FILES, args.repeat)
        print(f"{name:38s} {pages:4d} pages {seconds:6.2f} s {pages / seconds:8.0f} pages/s")
    print(f"pages opened with pdfplumber by the table step: {candidates} of {pages} ({len(FILES)} files)")


if __name__ == "__main__":
    main()
