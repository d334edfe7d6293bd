"""OCR accuracy and speed on 200-dpi scans of the seeds, next to plain Tesseract in the same run.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_ocr.py [--pages 3] [--workers 2] [--rounds 3] [--per-page]
        [--options] [--variants]

Scans: the first `--pages` pages of each born-digital seed PDF (`fixtures/pdf/00N.pdf`), rendered as the
fixture scans are (`pdftoppm -gray -r 200`, thresholded to 1-bit) into an image-only PDF, plus the committed
scans `fixtures/pdf/*-scan*.pdf` (their first pages). Reference: the born-digital twin's text of the same
page, whose words are the seed's, running header and footer included on both sides; both are compared after
whitespace normalisation (a line-end hyphen kept as printed). CER is jiwer's, over all pages at once.

Speed: our OCR step (render from the PDF at the scan's own resolution + Tesseract TSV via pytesseract, pages
batched per Tesseract process) against plain `tesseract IMG stdout -l dan` (one process per page image, the
PNG carrying its 200 dpi) over the same pages at the same resolution, both with OMP_THREAD_LIMIT=1 and
`--workers` processes at once. Each round runs every side back to back, the order rotated; each round's
ratio is printed, then the medians. Our CPU time includes rendering (this process) and Tesseract (its
children). `--per-page` adds our step with one process per page, to show what batching buys; `--options`
adds plain tesseract with speed settings (OPTIONS). `--variants` also measures despeckling (median filter)
and a slightly skewed, speckled copy.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import jiwer
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import read_text_layer  # noqa: E402
from pipeline.ocr import OcrEngine  # noqa: E402
from pipeline.pdf import open_pdf  # noqa: E402

PDF_DIR = ROOT / "fixtures" / "pdf"
SCAN_DPI = 200
OPTIONS = ("-c tessedit_do_invert=0", "--psm 6")  # --options: Tesseract settings that might read faster


@dataclass(frozen=True, slots=True)
class ScanPage:
    scan: Path  # image-only PDF
    number: int  # page in `scan`
    image: Path  # the same page as a 1-bit PNG (for plain tesseract)
    reference: str


def normalise(text: str) -> str:
    text = text.replace("\ufffe", "-\n").replace("\u00ad", "-\n")
    return " ".join(text.split())


def twin_texts(pdf_path: Path) -> list[str]:
    pdf = open_pdf(pdf_path)
    try:
        return [normalise(page.text) for page in read_text_layer(pdf)]
    finally:
        pdf.close()


def scan_images(pdf_path: Path, pages: int, folder: Path, prefix: str) -> list[Path]:
    """Pages as an office scanner makes them: 200 dpi gray, thresholded to 1-bit."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(SCAN_DPI), "-l", str(pages), str(pdf_path),
                    str(folder / prefix)], check=True)
    out = []
    for path in sorted(folder.glob(f"{prefix}-*.pgm")):
        with Image.open(path) as gray:
            png = path.with_suffix(".png")
            gray.point(lambda v: 255 if v > 150 else 0, mode="1").save(png, dpi=(SCAN_DPI, SCAN_DPI))
        path.unlink()
        out.append(png)
    return out


def image_pdf(images: list[Path], out: Path) -> Path:
    opened = [Image.open(p) for p in images]
    opened[0].save(out, "PDF", save_all=True, append_images=opened[1:], resolution=float(SCAN_DPI))
    for img in opened:
        img.close()
    return out


def build_pages(folder: Path, per_seed: int) -> list[ScanPage]:
    """All seeds' scanned pages in one image-only PDF, so both sides keep every worker busy to the end."""
    images: list[Path] = []
    refs: list[str] = []
    for twin in sorted(PDF_DIR.glob("00[0-9].pdf")):
        found = scan_images(twin, per_seed, folder, twin.stem)
        images += found
        refs += twin_texts(twin)[:len(found)]
    scan = image_pdf(images, folder / "seeds-scan.pdf")
    return [ScanPage(scan, n, img, ref) for n, (img, ref) in enumerate(zip(images, refs, strict=True), start=1)]


def committed_scans(folder: Path, per_scan: int) -> list[ScanPage]:
    """The committed scans: our OCR on them as they are, plain tesseract on their pages rendered at 200 dpi."""
    pages: list[ScanPage] = []
    for scan in sorted(PDF_DIR.glob("*-scan*.pdf")):
        twin = PDF_DIR / f"{scan.name[:3]}.pdf"
        refs = twin_texts(twin)
        pdf = open_pdf(scan)
        count = min(per_scan, len(pdf))
        for n in range(1, count + 1):
            image = pdf[n - 1].render(scale=1.0 if "70dpi" in scan.name else SCAN_DPI / 72, grayscale=True)
            path = folder / f"{scan.stem}-{n}.png"
            image.to_pil().save(path, dpi=(SCAN_DPI, SCAN_DPI))
            pages.append(ScanPage(scan, n, path, refs[n - 1]))
        pdf.close()
    return pages


def our_ocr(pages: list[ScanPage], engine: OcrEngine) -> dict[tuple[Path, int], str]:
    texts: dict[tuple[Path, int], str] = {}
    for scan in dict.fromkeys(p.scan for p in pages):
        numbers = [p.number for p in pages if p.scan == scan]
        pdf = open_pdf(scan)
        for n, result in engine.read_pages(pdf, numbers).items():
            texts[(scan, n)] = normalise("\n".join(line.text for line in result.lines))
        pdf.close()
    return texts


def plain_tesseract(pages: list[ScanPage], workers: int, prepare: Callable[[Path], Path] = lambda p: p,
                    options: tuple[str, ...] = ()) -> dict[tuple[Path, int], str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def run(page: ScanPage) -> tuple[tuple[Path, int], str]:
        proc = subprocess.run(["tesseract", str(prepare(page.image)), "stdout", "-l", "dan", *options],
                              capture_output=True, text=True, env=env, check=True)
        return (page.scan, page.number), normalise(proc.stdout)

    with ThreadPoolExecutor(workers) as pool:
        return dict(pool.map(run, pages))


def cer(pages: list[ScanPage], texts: dict[tuple[Path, int], str]) -> float:
    return jiwer.cer([p.reference for p in pages], [texts[(p.scan, p.number)] for p in pages])


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of its finished children (Tesseract): fair on a loaded machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, object, float, float]:
    """Wall seconds, result, CPU seconds in all, CPU seconds of this process (rendering, threads, parsing)."""
    start, (own, kids) = time.perf_counter(), cpu_seconds()
    result = fn()
    own_after, kids_after = cpu_seconds()
    return time.perf_counter() - start, result, own_after - own + kids_after - kids, own_after - own


def despeckled(image: Path) -> Path:
    out = image.with_name(image.stem + "-median.png")
    if not out.exists():
        with Image.open(image) as img:
            img.convert("L").filter(ImageFilter.MedianFilter(3)).save(out, dpi=(SCAN_DPI, SCAN_DPI))
    return out


def damaged_copy(image: Path) -> Path:
    """The page turned 1.5 degrees and sprinkled with specks, as a worn feeder scan looks."""
    out = image.with_name(image.stem + "-worn.png")
    if not out.exists():
        rng = random.Random(image.name)
        with Image.open(image) as img:
            gray = img.convert("L").rotate(1.5, expand=False, fillcolor=255, resample=Image.Resampling.BICUBIC)
            px = gray.load()
            for _ in range(gray.width * gray.height // 400):
                px[rng.randrange(gray.width), rng.randrange(gray.height)] = 0
            gray.point(lambda v: 255 if v > 150 else 0).save(out, dpi=(SCAN_DPI, SCAN_DPI))
    return out


def speed(jobs: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[tuple[float, object, float, float]]]:
    """Each job `rounds` times, the order rotated each round (the machine is shared and noisy); per round
    the ratio of plain tesseract's wall and CPU time to each job's, measured back to back."""
    runs: dict[str, list[tuple[float, object, float, float]]] = {name: [] for name in jobs}
    names = list(jobs)
    for k in range(rounds):
        for name in names[k % len(names):] + names[:k % len(names)]:
            runs[name].append(timed(jobs[name]))
        load = os.getloadavg()[0]
        cells = "   ".join(f"{name} {runs[name][k][0]:6.1f} s {runs[name][k][2]:6.1f} CPU s"
                           for name in names)
        ratios = "   ".join(f"{name} {runs['plain'][k][0] / runs[name][k][0]:.2f} wall "
                            f"{runs['plain'][k][2] / runs[name][k][2]:.2f} CPU" for name in names if name != "plain")
        print(f"  round {k + 1}: {cells}   ratio {ratios}   (load {load:.1f})", flush=True)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3, help="pages per seed")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each, order rotated; medians count")
    parser.add_argument("--per-page", action="store_true",
                        help="also our OCR step with one Tesseract process per page (batch_pages=1)")
    parser.add_argument("--variants", action="store_true", help="also measure despeckle and a worn copy")
    parser.add_argument("--options", action="store_true",
                        help="also plain tesseract with speed options: -c tessedit_do_invert=0, --psm 6")
    args = parser.parse_args()
    engine = OcrEngine(language="dan", workers=args.workers)
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        folder = Path(tmp)
        seeds = build_pages(folder, args.pages)
        scans = committed_scans(folder, 2)
        n = len(seeds)
        jobs: dict[str, Callable[[], object]] = {"plain": lambda: plain_tesseract(seeds, args.workers),
                                                 "ours": lambda: our_ocr(seeds, engine)}
        if args.per_page:
            jobs["per-page"] = lambda: our_ocr(seeds, replace(engine, batch_pages=1))
        if args.options:
            for option in OPTIONS:
                jobs[option] = lambda option=option: plain_tesseract(seeds, args.workers, options=tuple(option.split()))
        print(f"OCR of {n} pages ({args.pages} per seed, {SCAN_DPI} dpi 1-bit scans), {args.workers} processes, "
              f"OMP_THREAD_LIMIT=1, {args.rounds} rounds, order rotated")
        print("  same pixels on both sides: plain tesseract reads the 1-bit PNGs; ours renders them from the "
              "image-only PDF made of those PNGs (its CPU time includes that) and writes TSV with word boxes")
        runs = speed(jobs, args.rounds)
        plain = runs["plain"]
        for name, label in (("plain", "plain tesseract -l dan"), ("ours", "our OCR step"),
                            ("per-page", "ours, a process a page"), *((o, f"plain {o}") for o in OPTIONS)):
            if name not in runs:
                continue
            wall = statistics.median(r[0] for r in runs[name])
            cpu = statistics.median(r[2] for r in runs[name])
            own = statistics.median(r[3] for r in runs[name])
            print(f"  {label:24s} {n / wall:6.3f} pages/s   {cpu / n:5.3f} CPU s/page "
                  f"({own / n:5.3f} in this process)   CER {cer(seeds, runs[name][-1][1]):.4f}")
            if name != "plain":
                walls = [p[0] / r[0] for p, r in zip(plain, runs[name], strict=True)]
                cpus = [p[2] / r[2] for p, r in zip(plain, runs[name], strict=True)]
                print(f"    ratio to plain, median of {len(walls)} rounds: {statistics.median(walls):.2f} wall "
                      f"(min {min(walls):.2f}, max {max(walls):.2f}), {statistics.median(cpus):.2f} CPU "
                      f"(min {min(cpus):.2f}, max {max(cpus):.2f})")
        print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        ours_scans = our_ocr(scans, engine)
        plain_scans = plain_tesseract(scans, args.workers)
        names = ", ".join(sorted({p.scan.name for p in scans}))
        print(f"committed scans ({names}; {len(scans)} pages):")
        print(f"  plain tesseract -l dan  CER {cer(scans, plain_scans):.4f} (pages rendered at 200 dpi of their "
              "own page size, 70-dpi one at its pixels)")
        print(f"  our OCR step            CER {cer(scans, ours_scans):.4f}")
        for page in scans:
            one = cer([page], ours_scans)
            if one > 0.01:
                print(f"    {page.scan.name} p{page.number}: CER {one:.4f}")
        if args.variants:
            worn = [ScanPage(p.scan, p.number, damaged_copy(p.image), p.reference) for p in seeds]
            worn_pdf = image_pdf([p.image for p in worn], worn[0].image.parent / "worn-scan.pdf")
            worn = [ScanPage(worn_pdf, n, p.image, p.reference) for n, p in enumerate(worn, start=1)]
            for despeckle in (False, True):
                texts = our_ocr(worn, OcrEngine(language="dan", workers=args.workers, despeckle=despeckle))
                print(f"  worn scans, our OCR step, despeckle={despeckle!s:5s}  CER {cer(worn, texts):.4f}")
            print("preprocessing (plain tesseract -l dan on the same images):")
            for label, group, prepare in (("clean scans, despeckled (median 3)", seeds, despeckled),
                                          ("worn scans (1.5° skew, specks)", worn, None),
                                          ("worn scans, despeckled (median 3)", worn, despeckled)):
                texts = plain_tesseract(group, args.workers, prepare or (lambda p: p))
                print(f"  {label:36s} CER {cer(group, texts):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
