"""OCR of page images with Tesseract (Danish model), one Tesseract process per core.

Pages are rendered by pdfium in the calling thread (pdfium is not thread-safe) and handed to
`tesseract ... tsv` subprocesses with OMP_THREAD_LIMIT=1, so N workers use N cores and no more.
The TSV output keeps each line's box, so OCR'd lines carry top, height and gap like text-layer lines.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from parsers.model import Line
from pipeline.errors import MissingDependencyError, OcrError

LOW_CONFIDENCE = 55.0  # below this mean word confidence a page may be sideways or upside down
INSTALL_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-dan"


@cache
def _installed_languages(binary: str) -> frozenset[str]:
    proc = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=False)
    return frozenset(line.strip() for line in (proc.stdout + proc.stderr).splitlines()[1:] if line.strip())


def check_tesseract(language: str) -> str:
    """The tesseract binary, or a MissingDependencyError that says how to install what is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise MissingDependencyError("tesseract is not installed", INSTALL_HINT)
    missing = [lang for lang in language.split("+") if lang not in _installed_languages(binary)]
    if missing:
        raise MissingDependencyError(
            f"Tesseract has no model for {', '.join(missing)}",
            f"install it with: apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}",
        )
    return binary


@dataclass(frozen=True, slots=True)
class OcrEngine:
    language: str = "dan"
    dpi: int = 300
    workers: int = 2

    def ocr_pages(self, pdf: pdfium.PdfDocument, numbers: Sequence[int]) -> dict[int, list[Line]]:
        """Lines of each page in `numbers` (1-based), read by Tesseract from a `dpi` rendering."""
        if not numbers:
            return {}
        binary = check_tesseract(self.language)
        with tempfile.TemporaryDirectory(prefix="moedearkiv-ocr-") as tmp:
            images = {n: render_page(pdf, n, self.dpi, Path(tmp)) for n in numbers}
            with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
                results = pool.map(lambda n: (n, self._run(binary, images[n], n)), numbers)
                return dict(results)

    def ocr_image(self, image: Path, page_number: int = 1) -> list[Line]:
        return self._run(check_tesseract(self.language), image, page_number)

    def _run(self, binary: str, image: Path, page_number: int) -> list[Line]:
        """OCR one image; a page that reads badly is checked for a wrong orientation and read again."""
        tsv = self._tesseract(binary, [str(image), "stdout", "-l", self.language, "--dpi", str(self.dpi), "tsv"])
        if mean_confidence(tsv) < LOW_CONFIDENCE:
            turned = self._turn_upright(binary, image)
            if turned is not None:
                retry = self._tesseract(binary, [str(turned), "stdout", "-l", self.language, "--dpi", str(self.dpi),
                                                 "tsv"])
                if mean_confidence(retry) > mean_confidence(tsv):
                    tsv = retry
        return tsv_lines(tsv, page_number, self.dpi)

    def _tesseract(self, binary: str, args: list[str]) -> str:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        proc = subprocess.run([binary, *args], capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise OcrError(f"tesseract failed on {args[0]}: {proc.stderr.strip()[-300:]}")
        return proc.stdout

    def _turn_upright(self, binary: str, image: Path) -> Path | None:
        """Tesseract's orientation detection (osd model); the image turned upright, or None."""
        if "osd" not in _installed_languages(binary):
            return None
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        proc = subprocess.run([binary, str(image), "stdout", "--psm", "0"], capture_output=True, text=True, env=env,
                              check=False)
        match = re.search(r"Rotate: (\d+)", proc.stdout)
        if proc.returncode != 0 or not match or match.group(1) == "0":
            return None
        turned = image.with_name(image.stem + "-upright.png")
        with Image.open(image) as img:
            img.rotate(-int(match.group(1)), expand=True).save(turned)
        return turned


def render_page(pdf: pdfium.PdfDocument, number: int, dpi: int, folder: Path) -> Path:
    page = pdf[number - 1]
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    path = folder / f"page-{number:04d}.png"
    bitmap.to_pil().save(path)
    page.close()
    return path


def tsv_lines(tsv: str, page_number: int, dpi: int) -> list[Line]:
    """Tesseract TSV words → lines; an empty Line between paragraphs, as a blank line in text."""
    scale = 72.0 / dpi
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    grouped: dict[tuple[int, int, int], list[dict[str, str]]] = {}
    for row in rows:
        if row.get("level") == "5" and (row.get("text") or "").strip():
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            grouped.setdefault(key, []).append(row)
    lines: list[Line] = []
    prev_par: tuple[int, int] | None = None
    prev_bottom: float | None = None
    for (block, par, _), words in grouped.items():
        if prev_par is not None and (block, par) != prev_par:
            lines.append(Line(text="", page=page_number))
        prev_par = (block, par)
        top = min(int(w["top"]) for w in words) * scale
        bottom = max(int(w["top"]) + int(w["height"]) for w in words) * scale
        lines.append(Line(
            text=" ".join(w["text"] for w in words),
            page=page_number,
            top=round(top, 1),
            size=round(bottom - top, 1),
            bold=None,
            gap_before=round(top - prev_bottom, 1) if prev_bottom is not None else None,
        ))
        prev_bottom = bottom
    return lines


def mean_confidence(tsv: str) -> float:
    """Mean word confidence (0-100) of a Tesseract TSV; 0 for a page with no words."""
    confs = [float(row["conf"]) for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
             if row.get("level") == "5" and (row.get("text") or "").strip()]
    return sum(confs) / len(confs) if confs else 0.0


def lines_text(lines: Iterable[Line]) -> str:
    return "\n".join(line.text for line in lines)
