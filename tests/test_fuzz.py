"""Hostile PDFs are bad input, never our bug: a seeded fuzz set through process_pdf (fake OCR, fast), and
the parser on random lines (hypothesis). The full set through the real CLI is bench/fuzz_ingest.py."""
from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.document import parse_document
from parsers.model import Line
from parsers.repair import Repairer
from pipeline.config import Settings
from pipeline.errors import InputFileError
from pipeline.process import process_pdf
from tests.fake_ocr import ReplayOcr
from tests.fuzz.make_fuzz import make


@pytest.fixture(scope="module")
def fuzz_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make(tmp_path_factory.mktemp("fuzz"), count=60, seed=1, with_scans=False)


def test_fuzz_files_are_documents_or_input_errors(fuzz_files: list[Path], tmp_path: Path) -> None:
    repairer = Repairer.load()
    config = Settings.resolve(home=tmp_path, env={})
    started = time.monotonic()
    outcomes: dict[str, str] = {}
    for path in fuzz_files:
        try:
            document = process_pdf(path, ReplayOcr(), repairer, config)
        except InputFileError as err:
            assert str(path) in str(err)
            outcomes[path.name] = "bad input"
        else:
            assert document.pages
            outcomes[path.name] = "document"
    # anything else (IndexError, PdfminerException, ...) has failed the test above
    assert all(outcomes[p.name] == "document" for p in fuzz_files if p.name.endswith("-good.pdf"))
    assert sum(v == "bad input" for v in outcomes.values()) >= 10
    assert time.monotonic() - started < 120
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_500_000  # KiB


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
