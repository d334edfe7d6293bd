"""Ingest speed next to the baselines, measured in the same run (machines are noisy; ratios are not).

    .venv/bin/python bench/bench_ingest.py [--ocr-pages 8]

1. born-digital: pages/s of our text-layer extraction and of the whole ingest (extract, parse, SQLite,
   Whoosh) next to `pdftotext` on the same files;
2. OCR: pages/s of our OCR step (render + `tesseract -l dan` TSV, a process per core) next to plain
   `tesseract IMG stdout -l dan` run over the same page images with the same number of processes;
3. search latency p50/p95 on the archive built in 1.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import SearchFilters  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.extract import read_text_layer  # noqa: E402
from pipeline.ingest import Services, ingest_paths  # noqa: E402
from pipeline.ocr import OcrEngine, render_page  # noqa: E402
from pipeline.pdf import open_pdf  # noqa: E402

BORN_DIGITAL = sorted((ROOT / "fixtures" / "pdf").glob("00[0-4].pdf")) + [
    p for p in sorted((ROOT / "fixtures" / "real").glob("*.pdf")) if "SCANNED" not in p.name]
SCAN = ROOT / "fixtures" / "pdf" / "002-scan.pdf"
QUERIES = ["lærepladser", "sundhedsreformen", "beslutning godkendt", '"fælles prioriterede"', "klimaalliancen",
           "borgmester OR formand", "budget -2025", "flygtninge", "trafik", "uddannelse"]


def pages_of(path: Path) -> int:
    pdf = open_pdf(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def timed(func) -> float:  # noqa: ANN001
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def bench_born_digital(home: Path) -> Services:
    pages = sum(pages_of(p) for p in BORN_DIGITAL)
    t_pdftotext = timed(lambda: [subprocess.run(["pdftotext", "-q", str(p), "-"], capture_output=True, check=False)
                                 for p in BORN_DIGITAL])

    def extract_all() -> None:
        for path in BORN_DIGITAL:
            pdf = open_pdf(path)
            read_text_layer(pdf)
            pdf.close()

    t_extract = timed(extract_all)
    services = Services.open(Settings.resolve(home=home, quiet=True))
    t_ingest = timed(lambda: ingest_paths(BORN_DIGITAL, services))
    print(f"born-digital: {len(BORN_DIGITAL)} files, {pages} pages")
    print(f"  pdftotext              {pages / t_pdftotext:8.0f} pages/s   (baseline)")
    print(f"  our text layer+layout  {pages / t_extract:8.0f} pages/s   ratio {t_pdftotext / t_extract:5.2f}")
    print(f"  our whole ingest       {pages / t_ingest:8.0f} pages/s   ratio {t_pdftotext / t_ingest:5.2f}"
          "   (extract, repair check, parse, SQLite, Whoosh)")
    return services


def bench_ocr(n_pages: int, workers: int) -> None:
    pdf = open_pdf(SCAN)
    numbers = list(range(1, min(n_pages, len(pdf)) + 1))
    engine = OcrEngine(language="dan", dpi=300, workers=workers)
    with tempfile.TemporaryDirectory() as tmp:
        images = [render_page(pdf, n, 300, Path(tmp)) for n in numbers]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

        def plain(image: Path) -> None:
            subprocess.run(["tesseract", str(image), "stdout", "-l", "dan"], capture_output=True, env=env,
                           check=True)

        def baseline() -> None:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(plain, images))

        t_plain = timed(baseline)
    t_ours = timed(lambda: engine.ocr_pages(pdf, numbers))
    pdf.close()
    n = len(numbers)
    print(f"OCR: {n} pages of {SCAN.name} at 300 dpi, {workers} Tesseract processes, OMP_THREAD_LIMIT=1")
    print(f"  plain tesseract -l dan {n / t_plain:8.2f} pages/s   (baseline, images pre-rendered)")
    print(f"  our OCR step           {n / t_ours:8.2f} pages/s   ratio {t_plain / t_ours:5.2f}   (render + TSV)")


def bench_search(services: Services, rounds: int) -> None:
    latencies = []
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            services.index.search(query, SearchFilters(), limit=10)
            latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"search: {len(latencies)} queries on {services.index.count()} sections: "
          f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr-pages", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--search-rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        services = bench_born_digital(Path(home))
        bench_search(services, args.search_rounds)
        services.index.close()
    if args.ocr_pages:
        bench_ocr(args.ocr_pages, args.workers)


if __name__ == "__main__":
    main()
