"""Ingest speed next to the baselines, measured in the same run (machines are noisy; ratios are not).

    .venv/bin/python bench/bench_ingest.py [--pages 2000] [--workers 2] [--ocr-pages 8] [--skip-small]

1. born-digital: pages/s of our text-layer extraction and of the whole ingest (extract, parse, SQLite,
   Whoosh) next to `pdftotext` on the same files;
2. a generated born-digital batch of `--pages` pages (varied agenda text from the seeds, seeded, cached in
   `--batch-dir`): `moedearkiv ingest --workers 1` and `--workers N` into fresh data folders next to
   `pdftotext` over the same files, wall and CPU time, the load average; 5 of its files into a fresh folder;
   the peak RSS (VmHWM of the ingesting process itself) of one 500-page PDF;
3. OCR: pages/s of our OCR step (render + `tesseract -l dan` TSV, a process per core) next to plain
   `tesseract IMG stdout -l dan` run over the same page images with the same number of processes;
4. search latency p50/p95 on the archive built in 1.

Where the time of 2. goes (`ingest --workers 2` of the 2,595-page batch, 2026-12-04, stop 20; process_time
per process, with the functions timed directly: cProfile makes Python-heavy code look 2-3x dearer): 10.5-10.9
CPU s in all, wall 5.6-5.8 s, the two cores busy 1.8-2.0 for the whole run. The parent (it alone writes SQLite
and hands out the index writes, in input order) 2.8-2.9 s: storing 2.2 s (the meeting rebuild 0.95, identity's
word pairs and their blake2b keys 0.35, the meeting's rows 0.3 of which SQLite's FTS triggers 0.2, the index
records read back 0.25), imports and migration 0.4 s before the pool. Each worker: reading 1.5 ms a page warm
(text layer 47 %: pdfium's text page 0.33 ms, its load 0.14, our line walk 0.16; parse 36 %; repair 13 %), cold
caches add ~15 %; the index segments ~1 ms a page (analysis 20 %, Whoosh's posting writer 32 %). The forkserver
0.6 s (a worker's imports and the lexicon, while the parent starts). Steps of earlier sessions, in order: the
lexicon frozen out of the garbage collector, one page load and one object walk, Whoosh's field lengths read once,
index segments written by the workers, the forkserver, lazy imports in the parent; this one: the copy look-up
of stand-alone documents only for those whose pairs the meeting holds, bulk inserts of a meeting's rows and a
document's pages, the workers' results without the layout lines.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generated_batch import make_batch, make_long_pdf  # noqa: E402
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


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(func) -> tuple[float, float]:  # noqa: ANN001
    """(wall, CPU seconds of the child processes waited for meanwhile, their own children included)."""
    cpu = cpu_of_children()
    wall = timed(func)
    return wall, cpu_of_children() - cpu


def cli(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, check=False)
    if check and done.returncode not in (0, 1):
        raise SystemExit(f"moedearkiv {' '.join(args[:2])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


def pdftotext_all(files: list[Path]) -> None:
    for path in files:
        subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, check=False)


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def bench_batch(files: list[Path], worker_counts: list[int]) -> None:
    """Fresh data folders (the machine's lexicon cache is warm: built once per machine, before the timing)."""
    pages = sum(pages_of(p) for p in files)
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as home:  # the lexicon cache (a folder was left per run)
        cli(Path(home), "ingest", "--workers", "1", str(files[0]))
    print(f"generated batch: {len(files)} files, {pages} pages ({load()})")
    wall, cpu = measured(lambda: pdftotext_all(files))
    print(f"  pdftotext              {pages / wall:8.0f} pages/s   wall {wall:6.1f} s  cpu {cpu:6.1f} s   (baseline)")
    base, base_cpu = wall, cpu
    for workers in worker_counts:
        with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
            wall, cpu = measured(lambda home=home, workers=workers: cli(Path(home), "ingest", "--workers",
                                                                        str(workers), *map(str, files)))
        print(f"  ingest --workers {workers:<3}   {pages / wall:8.0f} pages/s   wall {wall:6.1f} s  cpu {cpu:6.1f} s"
              f"   ratio {base / wall:5.2f}   cpu ratio {base_cpu / cpu:5.2f}   ({load()})")
    base_files = files[:5]
    wall, cpu = measured(lambda: pdftotext_all(base_files))
    small_pages = sum(pages_of(p) for p in base_files)
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        ours, ours_cpu = measured(lambda: cli(Path(home), "ingest", *map(str, base_files)))
    print(f"  5 files ({small_pages} pages) into a fresh folder: pdftotext {wall:5.2f} s (cpu {cpu:5.2f} s), ingest "
          f"{ours:5.2f} s (cpu {ours_cpu:5.2f} s), ratio {wall / ours:5.2f}, cpu ratio {cpu / ours_cpu:5.2f}"
          f"   ({load()})")
    start, _ = measured(lambda: subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"],
                                               capture_output=True, check=True))
    print(f"  (of which the interpreter and `moedearkiv --help`: {start:4.2f} s)")


PEAK = """
import runpy, sys
sys.argv = [{cli!r}, *sys.argv[1:]]
try:
    runpy.run_path({cli!r}, run_name="__main__")
except SystemExit:
    pass
finally:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            print(line.strip(), file=sys.stderr)
"""


def bench_peak_rss(pdf: Path) -> None:
    """VmHWM of the ingesting process itself, read in it at exit (ru_maxrss would be inherited across exec)."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        done = subprocess.run([sys.executable, "-c", PEAK.format(cli=str(ROOT / "cli.py")), "--quiet", "--home",
                               home, "ingest", str(pdf)], capture_output=True, text=True, check=False)
    peak = [line for line in done.stderr.splitlines() if line.startswith("VmHWM")]
    if not peak:
        raise SystemExit(f"no VmHWM from the child: {done.stderr[-2000:]}")
    kib = int(peak[-1].split()[1])
    print(f"peak RSS: ingest of {pdf.name} ({pages_of(pdf)} pages): {kib / 1024:.0f} MiB "
          f"(exit {done.returncode}, {load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr-pages", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--search-rounds", type=int, default=20)
    parser.add_argument("--pages", type=int, default=2000, help="pages of the generated born-digital batch")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch-dir", type=Path, default=Path(tempfile.gettempdir()) / "moedearkiv-bench-batch")
    parser.add_argument("--rss-pages", type=int, default=500)
    parser.add_argument("--skip-small", action="store_true", help="skip 1. and 4. (the fixtures)")
    args = parser.parse_args()
    if not args.skip_small:
        with tempfile.TemporaryDirectory() as home:
            services = bench_born_digital(Path(home))
            bench_search(services, args.search_rounds)
            services.index.close()
    if args.pages:
        files = make_batch(args.batch_dir / f"seed{args.seed}-{args.pages}", args.pages, args.seed)
        bench_batch(files, sorted({1, args.workers}))
    if args.rss_pages:
        bench_peak_rss(make_long_pdf(args.batch_dir / f"long-seed{args.seed}-{args.rss_pages}.pdf",
                                     args.rss_pages, args.seed))
    if args.ocr_pages:
        bench_ocr(args.ocr_pages, args.workers)


if __name__ == "__main__":
    main()
