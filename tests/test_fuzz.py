"""Hostile PDFs are bad input, never our bug: a seeded fuzz set through process_pdf (fake OCR, fast), and
the parser on random lines (hypothesis). The full set through the real CLI is bench/fuzz_ingest.py."""
from __future__ import annotations

import dataclasses
import multiprocessing
import random
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.document import parse_document
from parsers.model import Line
from parsers.repair import Repairer
from pipeline.config import Settings
from pipeline.errors import InputFileError, TooLargeError
from pipeline.process import process_pdf
from tests.fake_ocr import ReplayOcr
from tests.fuzz.make_fuzz import bomb_pdf, image_pdf, make


@pytest.fixture(scope="module")
def fuzz_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make(tmp_path_factory.mktemp("fuzz"), count=60, seed=1, with_scans=False)


def _process_all(paths: list[Path], home: Path, lexicon_cache: Path) -> tuple[dict[str, str], int]:
    """Each fuzz file through process_pdf, in a fresh process (so its peak RSS is this work's, not that of the
    tests that ran before in pytest's process, nor of building the lexicon: it is loaded from the cache, as
    ingest does): outcome per file, and the peak RSS in KiB."""
    repairer = Repairer.load(cache_dir=lexicon_cache)
    config = Settings.resolve(home=home, env={})
    outcomes: dict[str, str] = {}
    for path in paths:
        try:
            document = process_pdf(path, ReplayOcr(), repairer, config)
        except InputFileError as err:
            outcomes[path.name] = "bad input" if str(path) in str(err) else f"error without its path: {err}"
        else:
            outcomes[path.name] = "document" if document.pages else "document without pages"
    return outcomes, _peak_rss_kib()


def _peak_rss_kib() -> int:
    """This process's own peak RSS. Not `ru_maxrss`: Linux carries that across exec from the forking parent,
    so a spawned child would report pytest's peak; VmHWM belongs to the child's own address space."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_fuzz_files_are_documents_or_input_errors(fuzz_files: list[Path], tmp_path: Path) -> None:
    Repairer.load(cache_dir=tmp_path / "cache")  # builds the lexicon cache here, outside the measured process
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes, peak_kib = pool.submit(_process_all, fuzz_files, tmp_path / "home", tmp_path / "cache").result()
    print(f"peak RSS of the fuzz run: {peak_kib / 1024:.0f} MiB")
    # anything else (IndexError, PdfminerException, ...) has failed the test in the child
    assert set(outcomes.values()) <= {"document", "bad input"}, outcomes
    assert all(outcomes[p.name] == "document" for p in fuzz_files if p.name.endswith("-good.pdf"))
    assert sum(v == "bad input" for v in outcomes.values()) >= 10
    assert time.monotonic() - started < 120
    assert peak_kib < 1_500_000  # KiB


def test_the_generator_is_seeded(tmp_path: Path) -> None:
    one = make(tmp_path / "a", count=12, seed=3, with_scans=False)
    two = make(tmp_path / "b", count=12, seed=3, with_scans=False)
    assert [p.name for p in one] == [p.name for p in two]
    # qpdf draws a fresh AES key for each encrypted file: those are the same kind, not the same bytes
    assert [p.read_bytes() for p in one if "encrypted" not in p.name] == \
        [p.read_bytes() for p in two if "encrypted" not in p.name]


_WORDS = ["Dagsorden", "Referat", "Beslutning", "Indstilling", "Sagsnr.:", "SAG-2025-03121", "1.", "3.2.",
          "Punkt 7:", "Godkendt.", "Fraværende:", "den 10-04-2013", "Side 2 af 9", "(V)", "Æ", "ø", "å", ":", "-"]
_line_text = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_WORDS), max_size=8).map(" ".join))
_lines = st.lists(st.builds(
    Line, text=_line_text, page=st.integers(1, 5),
    top=st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
    size=st.one_of(st.none(), st.floats(0, 500, allow_nan=False)),
    bold=st.one_of(st.none(), st.booleans()),
    gap_before=st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=_lines)
def test_parse_document_never_raises(lines: list[Line]) -> None:
    meeting = parse_document(lines, "random.pdf")
    assert all(item.title is not None for item in meeting.items)


def _refusal(path: Path, tmp_path: Path, **limits: float) -> str:
    settings = dataclasses.replace(Settings.resolve(home=tmp_path / "home", env={}), **limits)
    with pytest.raises(TooLargeError) as refused:
        process_pdf(path, ReplayOcr(), Repairer.load(cache_dir=tmp_path / "cache"), settings)
    return str(refused.value)


def test_a_page_of_too_many_objects_is_refused_before_the_table_step(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(random.Random(1)))
    message = _refusal(bomb, tmp_path, max_page_objects=200_000)
    assert "page 1 is drawn with 300,000 objects, more than the limit of 200,000" in message


def test_a_page_whose_images_decode_too_large_is_refused_before_rendering(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_pdf(5000, 4000))  # 20 MB decoded (grey)
    message = _refusal(scan, tmp_path, max_image_megabytes=10)
    assert "page 1 holds images of 20 MB decoded (the largest 5,000 x 4,000 pixels)" in message
    assert "300 dpi" in message


def test_a_file_pdfminer_reads_fewer_pages_of_is_ingested_without_tables(tmp_path: Path) -> None:
    """Fuzz file 291 of seed 10: a broken xref that pdfium rebuilds (4 pages) and pdfminer does not (0 pages);
    the table step indexed pdfminer's pages by pdfium's numbers (IndexError, an 'internal error')."""
    path = Path(__file__).parent / "fuzz" / "regressions" / "xref-pdfminer-sees-no-pages.pdf"
    settings = Settings.resolve(home=tmp_path / "home", env={})
    document = process_pdf(path, ReplayOcr(), Repairer.load(cache_dir=tmp_path / "cache"), settings)
    assert len(document.pages) == 4 and document.tables == ()
    assert sum(len(page.text) for page in document.pages) > 1000
