"""OCR accuracy with and without taking horizontal rules (underlines) out of the page image before Tesseract.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_ocr_rules.py [--seed-pages 1]

Pages: the scanned layouts of `fixtures/systems/` (their reference is the born-digital page they were scanned
from, rendered again by `fixtures/make_systems.py`), and the first `--seed-pages` pages of each committed seed
scan `fixtures/pdf/*-scan*.pdf` (reference: its born-digital twin). Each page is rendered as the OCR step
renders it (`pipeline.ocr.render_page` at the page's own resolution), once with `clean_rules` off and once on,
and read by `tesseract -l dan`; CER is jiwer's per document and over all pages. CPU time of the cleaning is
measured on its own (it runs in this process).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import jiwer
import pypdfium2 as pdfium
import pytesseract
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import read_text_layer  # noqa: E402
from pipeline.ocr import page_resolution, render_page  # noqa: E402
from pipeline.ocr_image import remove_rules  # noqa: E402


def normalise(text: str) -> str:
    return " ".join(text.replace("\ufffe", "-\n").replace("\u00ad", "-\n").split())


def _texts(pdf: pdfium.PdfDocument) -> list[str]:
    return [normalise(page.text) for page in read_text_layer(pdf)]


def system_scans() -> list[tuple[Path, list[str]]]:
    """(scan, reference text per page) for the scanned layouts of fixtures/systems."""
    spec = importlib.util.spec_from_file_location("make_systems", ROOT / "fixtures" / "make_systems.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_systems"] = module
    spec.loader.exec_module(module)
    out = []
    for layout in module.LAYOUTS:
        if layout.scan:
            twin = pdfium.PdfDocument(module.render_pdf(layout))
            out.append((ROOT / "fixtures" / "systems" / f"{layout.meeting.stem}.pdf", _texts(twin)))
            twin.close()
    return out


def seed_scans(pages: int) -> list[tuple[Path, list[str]]]:
    out = []
    for scan in sorted((ROOT / "fixtures" / "pdf").glob("*-scan*.pdf")):
        twin = pdfium.PdfDocument(str(ROOT / "fixtures" / "pdf" / f"{scan.name[:3]}.pdf"))
        out.append((scan, _texts(twin)[:pages]))
        twin.close()
    return out


def read(scan: Path, pages: int, clean: bool, folder: Path) -> tuple[list[str], float]:
    """OCR text of the first `pages` pages, and the CPU seconds rule cleaning took on them."""
    pdf = pdfium.PdfDocument(str(scan))
    texts, cleaning = [], 0.0
    try:
        for n in range(1, min(pages, len(pdf)) + 1):
            plan = page_resolution(pdf, n)
            image = render_page(pdf, n, plan.dpi, folder, plan.scale, smooth=not plan.native, clean_rules=clean)
            if clean:
                with Image.open(image) as img:
                    start = time.process_time()
                    remove_rules(img.convert("L"), plan.dpi)
                    cleaning += time.process_time() - start
            texts.append(normalise(pytesseract.image_to_string(str(image), lang="dan", config=f"--dpi {plan.dpi}")))
            image.unlink()
    finally:
        pdf.close()
    return texts, cleaning


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed-pages", type=int, default=1)
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    docs = system_scans() + seed_scans(args.seed_pages)
    totals: dict[bool, tuple[list[str], list[str]]] = {False: ([], []), True: ([], [])}
    print(f"{'document':44} {'pages':>5} {'CER off':>8} {'CER on':>8} {'clean CPU s':>11}")
    with tempfile.TemporaryDirectory(prefix="scans-rules-") as tmp:
        for scan, refs in docs:
            row = []
            for clean in (False, True):
                texts, cleaning = read(scan, len(refs), clean, Path(tmp))
                row.append(jiwer.cer(refs[:len(texts)], texts))
                totals[clean][0].extend(refs[:len(texts)])
                totals[clean][1].extend(texts)
            print(f"{scan.stem[:44]:44} {len(texts):5d} {row[0]:8.4f} {row[1]:8.4f} {cleaning:11.2f}", flush=True)
    print(f"{'all pages':44} {len(totals[True][0]):5d} {jiwer.cer(*totals[False]):8.4f} {jiwer.cer(*totals[True]):8.4f}"
          f"   (load {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
