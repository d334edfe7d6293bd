"""Page images cleaned before OCR: underlines and other long thin horizontal rules taken out.

Typed minutes underline their headings, and a rule that touches the letters' descenders makes Tesseract read
the whole line as noise ('Pkt. 1. FORHANDLINGSPROTOKOLLEN' underlined came out as 'kt. 1. FORHANDLIN TOK! EN').
A rule is a run of dark pixels much longer than any letter stroke and at most a few pixels thick; it is
painted over in the paper's tone, except where a letter's stem crosses it (dark above and below), so a
'g' or 'p' above the rule keeps its tail. A page without such runs is returned as it was (no cost beyond
the search).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

RULE_MIN_INCHES = 0.6  # a horizontal run at least this long is a rule, not a letter stroke (an 'm' is ~0.1 in)
RULE_MAX_INCHES = 0.025  # and at most this thick (0.6 mm; a heavy stroke of bold type is thicker in runs)
SAMPLE = 4  # columns: a rule is first looked for on every 4th column (a cheap test no rule can fail)
SKEW_ROWS = 1  # rows a rule may step up or down and still count as one run (a scan a degree or two askew)


@dataclass(frozen=True, slots=True)
class RuleCleaning:
    """What `remove_rules` found: how many pixel rows carried a rule, how many pixels it painted over."""

    rule_rows: int
    pixels: int


def _otsu(gray: np.ndarray, histogram: list[int] | None = None) -> int:
    """The gray level that best separates ink from paper (Otsu's threshold of the histogram; PIL's
    `Image.histogram()` when given, which costs a tenth of counting the array here)."""
    hist = np.asarray(histogram if histogram is not None else np.bincount(gray.ravel(), minlength=256),
                      dtype=np.float64)
    total = hist.sum()
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    between = (mean[-1] * weight / total - mean) ** 2 / np.maximum(weight * (total - weight), 1.0) * total
    return int(np.argmax(between[:-1]))


def _runs_at_least(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels that belong to a horizontal run of at least `length` True pixels (an opening by a 1 x length line)."""
    height, width = mask.shape
    if length > width:
        return np.zeros_like(mask)
    counts = np.zeros((height, width + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=counts[:, 1:])
    full = (counts[:, length:] - counts[:, :-length]) == length  # the `length` pixels from x on are all ink
    # a pixel x is in such a run when a full window starts in x - length + 1 .. x
    starts = np.zeros((height, width + length), dtype=np.int32)
    np.cumsum(np.pad(full, ((0, 0), (length - 1, length - 1))), axis=1, out=starts[:, 1:])
    return (starts[:, length:length + width] - starts[:, :width]) > 0


def _spread(mask: np.ndarray, rows: int) -> np.ndarray:
    """The mask with each pixel also set `rows` rows above and below: a rule on a page scanned a degree askew
    steps down a row every few dozen pixels, and is one unbroken run only in the spread mask."""
    out = mask.copy()
    for shift in range(1, rows + 1):
        out[shift:] |= mask[:-shift]
        out[:-shift] |= mask[shift:]
    return out


def _candidate_rows(sampled: np.ndarray, length: int) -> np.ndarray:
    """Rows that may hold a run of `length` True pixels, judged on every SAMPLE-th column (`sampled`, the mask's
    columns 0, SAMPLE, 2 * SAMPLE ...): such a run covers at
    least length // SAMPLE consecutive sampled columns, so no row with a run is missed, and the full-width search
    runs only on the few rows that pass (a page of text has almost none; it cost 0.07 CPU s a page before)."""
    need = length // SAMPLE
    if need < 2:
        return np.ones(sampled.shape[0], dtype=bool)
    rows = np.flatnonzero(np.count_nonzero(sampled, axis=1) >= need)  # too little ink for such a run: no rule
    found = np.zeros(sampled.shape[0], dtype=bool)
    if rows.size:
        found[rows] = _runs_at_least(sampled[rows], need).any(axis=1)
    return found


def _long_spread_runs(ink: np.ndarray, length: int, rows: int) -> np.ndarray:
    """`_runs_at_least(_spread(ink, rows), length)`, searched only in the candidate rows, and spread only there:
    spreading is done column by column, so the sampled columns of the spread page are the spread of the
    sampled columns (a quarter of the work), and the full width is spread for the few candidate rows alone
    (spreading the whole page cost a third of the rule search)."""
    out = np.zeros_like(ink)
    found = np.flatnonzero(_candidate_rows(_spread(ink[:, ::SAMPLE], rows), length))
    if found.size:
        spread = ink[found].copy()
        for shift in range(1, rows + 1):
            spread |= ink[np.maximum(found - shift, 0)] & (found - shift >= 0)[:, None]
            spread |= ink[np.minimum(found + shift, ink.shape[0] - 1)] & (found + shift < ink.shape[0])[:, None]
        out[found] = _runs_at_least(spread, length)
    return out


def rule_mask(gray: np.ndarray, dpi: int, ink: np.ndarray | None = None) -> np.ndarray:
    """Ink pixels of long thin horizontal rules (a few rows thick, straight or a degree or two askew) in a gray
    page image at `dpi` (`ink`: its ink pixels, if known already)."""
    if ink is None:
        ink = gray < _otsu(gray)
    long_runs = _long_spread_runs(ink, max(20, round(RULE_MIN_INCHES * dpi)), SKEW_ROWS)
    if not long_runs.any():
        return long_runs
    thick = max(2, round(RULE_MAX_INCHES * dpi)) + 2 * SKEW_ROWS
    # a run belongs to a rule only where the long runs are thin in that column: a band of at most `thick` rows
    tall = long_runs.copy()
    for shift in range(1, thick + 1):  # long-run pixels with more than `thick` long-run pixels stacked above
        tall[shift:] &= long_runs[:-shift]
        tall[:shift] = False
    return long_runs & ~_grow_up(tall, thick) & ink


def _grow_up(mask: np.ndarray, rows: int) -> np.ndarray:
    """The mask and the `rows` pixel rows above each of its pixels."""
    out = mask.copy()
    for shift in range(1, rows + 1):
        out[:-shift] |= mask[shift:]
    return out


def _stems(ink: np.ndarray, mask: np.ndarray, reach: int) -> np.ndarray:
    """Rule pixels a letter crosses: ink within `reach` rows above and below the rule's band in that column."""
    height = ink.shape[0]
    outside = ink & ~mask
    up = np.zeros_like(mask)
    down = np.zeros_like(mask)
    for shift in range(1, reach + 1):
        up[shift:] |= outside[:height - shift]
        down[:height - shift] |= outside[shift:]
    return mask & up & down


def bilevel_histogram(image: Image.Image) -> list[int] | None:
    """The histogram of a gray image holding only black and white (levels 0 and 255), else None.

    Most office scans are bilevel: counted with numpy in 2 ms where PIL's `histogram()` takes 6.5 ms on a
    200-dpi A4 page (bench/bench_ocr.py). A gray page is told by a sparse sample first, at almost no cost."""
    if image.mode != "L":
        return None
    gray = np.asarray(image)
    sample = gray[::16, ::16]
    if np.count_nonzero(sample) != np.count_nonzero(sample == 255):
        return None
    black = int(np.count_nonzero(gray == 0))
    white = int(np.count_nonzero(gray == 255))
    if black + white != gray.size:
        return None
    return [black] + [0] * 254 + [white]


def write_pbm(image: Image.Image, path: Path) -> Path:
    """A bilevel gray image as a binary PBM (1 = black): the bytes PIL writes for `image.convert("1")`, packed
    by numpy in under 1 ms instead of 4.5 ms for the conversion and PIL's writer."""
    gray = np.asarray(image)
    height, width = gray.shape
    path.write_bytes(b"P4\n%d %d\n" % (width, height) + np.packbits(gray < 128, axis=1).tobytes())
    return path


def remove_rules(image: Image.Image, dpi: int, histogram: list[int] | None = None) -> tuple[Image.Image, RuleCleaning]:
    """The gray page with its horizontal rules painted in the paper's tone, and what was removed (`histogram`:
    the image's, when the caller has it already).

    Returns the very image it was given when the page has no rule."""
    if image.mode != "L":
        return image, RuleCleaning(0, 0)
    gray = np.asarray(image)
    ink = gray < _otsu(gray, histogram if histogram is not None else image.histogram())
    mask = rule_mask(gray, dpi, ink)
    if not mask.any():
        return image, RuleCleaning(0, 0)
    thick = max(2, round(RULE_MAX_INCHES * dpi))
    paint = mask & ~_stems(ink, mask, thick + 2)
    paper = int(np.median(gray[~ink])) if (~ink).any() else 255
    cleaned = gray.copy()
    cleaned[_grow_up(paint, 1) | np.roll(paint, 1, axis=0)] = paper  # one pixel of the blurred edge too
    return Image.fromarray(cleaned, mode="L"), RuleCleaning(int(mask.any(axis=1).sum()), int(paint.sum()))
