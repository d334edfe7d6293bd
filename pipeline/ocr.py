"""OCR of page images with Tesseract (Danish model) through pytesseract, one Tesseract process per core.

Pages are rendered by pdfium in the calling thread (pdfium is not thread-safe) at the pixel density of the
page's largest image, so a scan is read at the resolution it was scanned at, whatever page size the PDF
claims (a scanner that wrote its page size for 70 dpi makes pages 3-4 times too large). A page whose
rendering would not fit the pixel cap is rendered at a lower dpi, or refused when that would be too coarse
to read. Consecutive pages go to one Tesseract process as a list of images, so the Danish model (about
0.3 CPU s to load, a sixth of a page's OCR) is loaded once per batch, not once per page; each process runs
with OMP_THREAD_LIMIT=1 and a timeout, so N workers use N cores and no more. The TSV output keeps each
word's box: OCR'd lines carry top, height and gap like text-layer lines, and each page keeps its words
with their boxes for a page viewer.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract
from PIL import Image, ImageFilter

from parsers.model import Line
from pipeline.config import Settings
from pipeline.cpu_watch import CpuWatch
from pipeline.errors import MissingDependencyError, OcrError, OcrTimeoutError, TooLargeError
from pipeline.ocr_image import bilevel_histogram, remove_rules, write_pbm

LOW_CONFIDENCE = 55.0  # below this mean word confidence a page may be sideways or upside down
INSTALL_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-dan"
MIN_DPI, MAX_DPI = 200, 400  # the resolution range Tesseract reads best; a scan is brought into it
MAX_UPSAMPLE = 2.0  # a low-resolution scan is enlarged at most this much, never several times over
PAPER_LONG_SIDE_IN = 11.69  # A4: what a scan on a page larger than any paper was most likely scanned from
MAX_PAPER_IN = 17.0  # longer than A3 (16.5 in): the page size is wrong, not the paper
MAX_MEGAPIXELS = 200.0  # as Settings.max_page_megapixels: a 200-megapixel gray page image is 200 MB in memory
MIN_LEGIBLE_DPI = 100  # a page brought under the pixel cap is refused rather than read coarser than this
BATCH_PAGES = 3  # pages per Tesseract call at most: fewer model loads, no long batch to wait on (bench_ocr.py)
WALL_BACKSTOP = 10  # a Tesseract process is stopped after this many times its CPU limit in wall seconds, plus 30

Word = tuple[str, float, float, float, float]  # text, x0, y0, x1, y1 as fractions of the page, origin top-left


@dataclass(frozen=True, slots=True)
class Resolution:
    """How to render a page for OCR: pdfium's scale (pixels per point), the dpi Tesseract is told, and
    whether the largest image comes out at its own pixels (then it is not resampled: a bilevel scan stays
    bilevel, as a scanner wrote it)."""

    scale: float
    dpi: int
    native: bool = False


@dataclass(frozen=True, slots=True)
class OcrPage:
    lines: tuple[Line, ...]
    words: tuple[Word, ...]


@cache
def _installed_languages(binary: str) -> frozenset[str]:
    pytesseract.pytesseract.tesseract_cmd = binary
    return frozenset(pytesseract.get_languages(config=""))


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


def ocr_resolution(page: pdfium.PdfPage, default_dpi: int = 300) -> Resolution:
    """The page's largest image at its own pixel density, brought into 200-400 dpi (at most 2x enlarged).

    The density is pixels over placed size; where the page is larger than any paper, its size is wrong and
    the page is taken to be A4, the image covering as much of it as it covers of the page. A page without
    images is rendered at `default_dpi`."""
    best: tuple[float, int, float] | None = None  # placed area, long side in pixels, long side in points
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        width_px, height_px = obj.get_px_size()
        placed = (right - left) * (top - bottom)
        if width_px and height_px and placed > 0 and (best is None or placed > best[0]):
            best = (placed, max(width_px, height_px), max(right - left, top - bottom))
    if best is None:
        return Resolution(default_dpi / 72, default_dpi)
    _, long_px, long_pt = best
    native_scale = long_px / long_pt  # pixels per point: rendering at this scale reproduces the image's pixels
    image_dpi = native_scale * 72
    page_long_pt = max(page.get_size())
    if page_long_pt / 72 > MAX_PAPER_IN:  # the image is long_pt / page_long_pt of an A4 page's long side
        image_dpi = long_px / (PAPER_LONG_SIDE_IN * long_pt / page_long_pt)
    target = min(max(image_dpi, MIN_DPI), MAX_DPI, image_dpi * MAX_UPSAMPLE)
    if math.isclose(target, image_dpi):
        return Resolution(whole_pixels(native_scale, page.get_size()), round(target), native=True)
    return Resolution(native_scale * target / image_dpi, round(target))


def whole_pixels(scale: float, size_pt: tuple[float, float]) -> float:
    """`scale`, nudged down so that pdfium's rendering (which rounds each side up) has the page's size in pixels
    rounded to the nearest: a scan rendered at its own pixels then comes out pixel for pixel. Unnudged, a
    1654-pixel-wide scan on a 595.44-point page came out 1655 wide, one column doubled in the middle."""
    return min((round(side * scale) - 1e-3) / side for side in size_pt if side > 0)


def fit_pixel_cap(resolution: Resolution, size_pt: tuple[float, float], max_megapixels: float,
                  number: int) -> Resolution:
    """`resolution`, lowered until page `number` fits `max_megapixels`; a TooLargeError when that would take
    it below MIN_LEGIBLE_DPI (a giant page: its image would need gigabytes of memory)."""
    width, height = size_pt
    megapixels = width * resolution.scale * height * resolution.scale / 1e6
    size = f"{width / 72 * 2.54:,.0f} x {height / 72 * 2.54:,.0f} cm"
    if not megapixels > 0:
        raise TooLargeError(f"page {number} is {size}: it has no area to render for OCR")
    if megapixels <= max_megapixels:
        return resolution
    dpi = math.floor(resolution.dpi * math.sqrt(max_megapixels / megapixels))
    if dpi < MIN_LEGIBLE_DPI:
        raise TooLargeError(
            f"page {number} is {size}, {megapixels:,.0f} megapixels at {resolution.dpi} dpi for OCR: it would "
            f"fit the limit of {max_megapixels:,.0f} megapixels only at {max(dpi, 0)} dpi, too coarse to read "
            f"(at least {MIN_LEGIBLE_DPI})")
    return Resolution(resolution.scale * dpi / resolution.dpi, dpi)


def page_resolution(pdf: pdfium.PdfDocument, number: int, default_dpi: int = 300,
                    max_megapixels: float = MAX_MEGAPIXELS) -> Resolution:
    """How page `number` (1-based) is rendered for OCR: its own resolution under the pixel cap."""
    page = pdf[number - 1]
    try:
        return fit_pixel_cap(ocr_resolution(page, default_dpi), page.get_size(), max_megapixels, number)
    finally:
        page.close()


def batches(numbers: Sequence[int], dpis: Sequence[int], workers: int, limit: int = BATCH_PAGES) -> list[list[int]]:
    """Consecutive pages read at the same dpi, for one Tesseract process each (at most `limit` pages).

    With several workers the batches shrink as the pages run out, each about two thirds of a worker's share
    of the pages left (guided scheduling): the first ones save most model loads, the last ones are single
    pages, so no worker waits long for another's last batch."""
    out: list[list[int]] = []
    start = 0
    while start < len(numbers):
        left = len(numbers) - start
        size = limit if workers <= 1 else max(1, min(limit, math.ceil(left / (1.5 * workers))))
        end = start + 1
        while end < len(numbers) and end - start < size and dpis[end] == dpis[start]:
            end += 1
        out.append(list(numbers[start:end]))
        start = end
    return out


@dataclass(frozen=True, slots=True)
class OcrEngine:
    language: str = "dan"
    dpi: int = 300  # for a page without an image only: scans are read at their own resolution
    workers: int = 2
    timeout: float = 120.0  # CPU seconds per page for Tesseract; a page (or batch) that uses more fails its file
    # 3x3 median before OCR: helps speckled scans only and costs ~0.3 CPU s/page (bench/bench_ocr.py --variants),
    # so it is off; Tesseract's own layout analysis copes with skew of a degree or two (no deskew needed)
    despeckle: bool = False
    max_megapixels: float = MAX_MEGAPIXELS  # a page image larger than this is rendered coarser, or refused
    batch_pages: int = BATCH_PAGES  # pages per Tesseract process at most (1: one process per page)
    # called with (pages done, pages to OCR) as batches finish, from a worker thread (pipeline/progress.py)
    progress: Callable[[int, int], None] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> OcrEngine:
        """The engine as configured: every caller (ingest, parse --explain) gets the same limits."""
        return cls(language=settings.ocr_language, dpi=settings.ocr_dpi, workers=settings.workers,
                   timeout=settings.ocr_timeout, max_megapixels=settings.max_page_megapixels)

    def with_progress(self, progress: Callable[[int, int], None] | None) -> OcrEngine:
        """The same engine reporting its page counts to `progress` (one file's: pipeline/progress.for_file)."""
        return self if progress is None else replace(self, progress=progress)

    def read_pages(self, pdf: pdfium.PdfDocument, numbers: Sequence[int]) -> dict[int, OcrPage]:
        """Lines and word boxes of each page in `numbers` (1-based)."""
        if not numbers:
            return {}
        check_tesseract(self.language)
        tick = _counter(self.progress, len(numbers))
        plans = {n: page_resolution(pdf, n, self.dpi, self.max_megapixels) for n in numbers}  # refused up front
        groups = batches(list(numbers), [plans[n].dpi for n in numbers], self.workers, self.batch_pages)
        with tempfile.TemporaryDirectory(prefix="moedearkiv-ocr-") as tmp, \
                ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            futures: list[Future[dict[int, OcrPage]]] = []
            try:
                for group in groups:  # rendered here, one after another, while the workers read the batches before
                    _make_room(futures, self.workers)
                    images = [render_page(pdf, n, plans[n].dpi, Path(tmp), plans[n].scale, self.despeckle,
                                          smooth=not plans[n].native) for n in group]
                    futures.append(pool.submit(self._read_batch, group, images, plans[group[0]].dpi))
                    futures[-1].add_done_callback(tick)
                return {n: page for future in futures for n, page in future.result().items()}
            except BaseException:
                pool.shutdown(cancel_futures=True)  # the file has failed: its other batches need not run
                raise

    def ocr_pages(self, pdf: pdfium.PdfDocument, numbers: Sequence[int]) -> dict[int, list[Line]]:
        """Lines of each page in `numbers` (1-based)."""
        return {n: list(page.lines) for n, page in self.read_pages(pdf, numbers).items()}

    def ocr_image(self, image: Path, page_number: int = 1) -> list[Line]:
        check_tesseract(self.language)
        return list(self._page(self._tesseract(image, self.dpi, [page_number]), image, page_number, self.dpi).lines)

    def _read_batch(self, numbers: list[int], images: list[Path], dpi: int) -> dict[int, OcrPage]:
        """One Tesseract process for the pages of a batch (a list file of their images); the images are
        removed once read, so a long file never holds more than a few batches on disk."""
        try:
            if len(images) == 1:
                tsvs = [self._tesseract(images[0], dpi, numbers)]
            else:
                listing = images[0].with_name(f"batch-{numbers[0]:04d}.txt")
                listing.write_text("".join(f"{image}\n" for image in images), encoding="utf-8")
                tsvs = split_tsv(self._tesseract(listing, dpi, numbers), len(images))
            return {n: self._page(tsv, image, n, dpi) for n, image, tsv in zip(numbers, images, tsvs, strict=True)}
        finally:
            for image in images:
                image.unlink(missing_ok=True)

    def _page(self, tsv: str, image: Path, page_number: int, dpi: int) -> OcrPage:
        """A page read badly is checked for a wrong orientation (Tesseract's osd model) and read again. A page
        with no words at all is blank (a page turned sideways still gives words, of low confidence): the osd
        pass would cost 0.14 CPU s to say it cannot tell."""
        turn, size = 0, tsv_size(tsv, image)
        if _word_rows(tsv) and mean_confidence(tsv) < LOW_CONFIDENCE:
            turned, angle = self._turn_upright(image, dpi)
            if turned is not None:
                retry = self._tesseract(turned, dpi, [page_number])
                if mean_confidence(retry) > mean_confidence(tsv):
                    tsv, turn, size = retry, angle, tsv_size(retry, turned)
                turned.unlink(missing_ok=True)
        return OcrPage(tuple(tsv_lines(tsv, page_number, dpi)), tsv_words(tsv, size, turn))

    def _tesseract(self, image: Path, dpi: int, numbers: Sequence[int] = ()) -> str:
        """TSV of an image, or of each image of a list file (of `numbers`' pages, `timeout` CPU s each)."""
        pages = max(1, len(numbers))
        what = _pages_named(numbers) or f"page image {image.name}"
        try:
            return _call(pytesseract.image_to_data, image, self.timeout * pages, lang=self.language,
                         config=f"--dpi {dpi}")
        except CpuTimeout as err:
            each = f" (the limit is {self.timeout:g} CPU s a page)" if pages > 1 else ""
            raise OcrTimeoutError(f"Tesseract took {err.used} on {what}{each}") from None
        except pytesseract.TesseractError as err:
            raise OcrError(f"tesseract failed on {what}: {str(err)[-300:]}") from err

    def _turn_upright(self, image: Path, dpi: int) -> tuple[Path | None, int]:
        """Tesseract's orientation detection (osd model); the image turned upright and the angle, or None."""
        if "osd" not in _installed_languages(check_tesseract(self.language)):
            return None, 0
        try:
            osd = _call(pytesseract.image_to_osd, image, self.timeout, config=f"--psm 0 --dpi {dpi}")
        except (CpuTimeout, pytesseract.TesseractError):
            return None, 0  # too little text to tell, or too slow: keep the first reading
        match = re.search(r"Rotate: (\d+)", osd)
        if not match or match.group(1) == "0":
            return None, 0
        angle = int(match.group(1))
        turned = image.with_name(image.stem + "-upright" + image.suffix)
        with Image.open(image) as img:
            img.rotate(-angle, expand=True).save(turned)
        return turned, angle


def _counter(progress: Callable[[int, int], None] | None, total: int) -> Callable[[Future], None]:
    """A done-callback for the batches' futures: adds each batch's pages and reports the sum (0 of N first)."""
    if progress is None:
        return lambda _future: None
    progress(0, total)
    done = [0]
    lock = threading.Lock()

    def tick(future: Future) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        with lock:
            done[0] += len(future.result())
            progress(done[0], total)

    return tick


def _make_room(futures: list[Future[dict[int, OcrPage]]], workers: int) -> None:
    """Wait while more batches are waiting than there are workers: pages are rendered only as far ahead as
    the workers can use (at 400 dpi a gray page image is 15 MB on disk). A batch that failed fails the file
    now, before more pages are rendered."""
    waiting = [future for future in futures if not future.done()]
    if len(waiting) > workers:
        wait(waiting, return_when=FIRST_COMPLETED)
    for future in futures:
        if future.done():
            future.result()


class CpuTimeout(Exception):
    """Tesseract was stopped: `used` says for what ("more than 120 CPU s")."""

    def __init__(self, used: str) -> None:
        super().__init__(used)
        self.used = used


def _call(function, image: Path, limit: float, **kwargs) -> str:  # noqa: ANN001
    """A pytesseract call on `image` in a single-threaded Tesseract (N workers use N cores; pytesseract passes
    our environment on to its subprocess and has no other way to set it), stopped after `limit` CPU seconds.

    CPU time, not wall time: on a loaded machine a page's wall time grows with the load, its CPU time does
    not. pytesseract's own (wall) timeout stays as a backstop for a process that hangs without working."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    marker = os.path.realpath(image)  # pytesseract passes the real path on Tesseract's command line
    backstop = limit * WALL_BACKSTOP + 30
    with CpuWatch(marker, limit) as watch:
        try:
            return function(marker, timeout=backstop, **kwargs)
        except pytesseract.TesseractError:  # (a RuntimeError too) our watch's kill among them
            if watch.exceeded:
                raise CpuTimeout(f"more than {limit:g} CPU s") from None
            raise
        except RuntimeError as err:  # pytesseract's wall timeout
            raise CpuTimeout(f"more than {backstop:g} wall s" + (" without using its CPU time: it hung"
                                                                   if watch.watching else "")) from err


def _pages_named(numbers: Sequence[int]) -> str:
    if not numbers:
        return ""
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {', '.join(map(str, numbers))}"


def render_page(pdf: pdfium.PdfDocument, number: int, dpi: int, folder: Path, scale: float | None = None,
                despeckle: bool = False, smooth: bool = True, clean_rules: bool = True) -> Path:
    """The page as a gray image at `scale` pixels per point (default: `dpi` of the page's own size).

    Without `smooth`, images are not interpolated (for a scan rendered at its own pixels: a bilevel scan
    stays bilevel, so Tesseract need not threshold it again). With `despeckle`, specks of dust and toner
    (smaller than 2x2 pixels) are taken out by a 3x3 median filter. Written as uncompressed PGM/PBM: written
    once and read once, it costs a few ms where PNG's compression costs tens of ms a page. A page of black and
    white only is made bilevel without dithering (the same pixels; PIL's default Floyd-Steinberg pass costs
    17 of the 42 CPU ms a 200-dpi A4 page took to render and write)."""
    page = pdf[number - 1]
    try:
        bitmap = page.render(scale=scale if scale is not None else dpi / 72, grayscale=True, no_smoothimage=not smooth)
    finally:
        page.close()
    image = bitmap.to_pil()
    if despeckle:
        image = image.filter(ImageFilter.MedianFilter(3))
    bilevel = bilevel_histogram(image)
    if clean_rules:  # underlines garble the words they touch (pipeline/ocr_image.py)
        cleaned = remove_rules(image, dpi, bilevel or image.histogram())[0]
        if cleaned is not image:
            image, bilevel = cleaned, bilevel_histogram(cleaned)
    if bilevel is not None:  # black and white already: one bit a pixel, no dithering (PIL's costs 17 ms)
        return write_pbm(image, folder / f"page-{number:04d}.pbm")
    path = folder / f"page-{number:04d}.pgm"
    image.save(path)  # no resolution in the file: Tesseract is told it (--dpi)
    return path


def split_tsv(tsv: str, pages: int) -> list[str]:
    """The TSV of a list of images as one TSV per image (Tesseract numbers them in `page_num` from 1)."""
    header, _, body = tsv.partition("\n")
    rows: list[list[str]] = [[] for _ in range(pages)]
    for row in body.splitlines():
        page = row.split("\t", 2)[1:2]
        if page and page[0].isdigit() and 1 <= int(page[0]) <= pages:
            rows[int(page[0]) - 1].append(row)
    return [header + "\n" + "".join(row + "\n" for row in page_rows) for page_rows in rows]


def tsv_size(tsv: str, image: Path) -> tuple[int, int]:
    """The image's size in pixels from the TSV's page row (level 1), else from the image file."""
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "1" and int(row.get("width") or 0) > 0 and int(row.get("height") or 0) > 0:
            return int(row["width"]), int(row["height"])
    with Image.open(image) as img:
        return img.size


@lru_cache(maxsize=8)
def _word_rows(tsv: str) -> tuple[dict[str, str], ...]:
    """The word rows of a page's TSV, parsed once: the page's lines, boxes and confidence all read them."""
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(row for row in rows if row.get("level") == "5" and (row.get("text") or "").strip())
def tsv_lines(tsv: str, page_number: int, dpi: int) -> list[Line]:
    """Tesseract TSV words → lines; an empty Line between paragraphs, as a blank line in text.

    Geometry is in points of a page at `dpi`: the paper's size, not a page size the PDF may have wrong."""
    scale = 72.0 / dpi
    grouped: dict[tuple[int, int, int], list[dict[str, str]]] = {}
    for row in _word_rows(tsv):
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


def tsv_words(tsv: str, size: tuple[int, int], turned: int = 0) -> tuple[Word, ...]:
    """Each word with its box as fractions of the page (origin top-left), in the frame of the page as
    rendered: a box read on an image turned upright by `turned` degrees clockwise is turned back."""
    width, height = size
    words: list[Word] = []
    for row in _word_rows(tsv):
        x0, y0 = int(row["left"]) / width, int(row["top"]) / height
        x1, y1 = x0 + int(row["width"]) / width, y0 + int(row["height"]) / height
        corners = [_unturn(x, y, turned) for x, y in ((x0, y0), (x1, y1))]
        xs, ys = sorted(c[0] for c in corners), sorted(c[1] for c in corners)
        words.append((row["text"], round(xs[0], 4), round(ys[0], 4), round(xs[1], 4), round(ys[1], 4)))
    return tuple(words)


def _unturn(u: float, v: float, turned: int) -> tuple[float, float]:
    """A point of the image turned `turned` degrees clockwise, in the frame of the image before turning."""
    if turned == 90:
        return v, 1 - u
    if turned == 180:
        return 1 - u, 1 - v
    if turned == 270:
        return 1 - v, u
    return u, v


def mean_confidence(tsv: str) -> float:
    """Mean word confidence (0-100) of a Tesseract TSV; 0 for a page with no words."""
    confs = [float(row["conf"]) for row in _word_rows(tsv)]
    return sum(confs) / len(confs) if confs else 0.0


def lines_text(lines: Iterable[Line]) -> str:
    return "\n".join(line.text for line in lines)
