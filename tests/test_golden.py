"""Golden files: each fixture PDF's whole export, compared field by field with committed JSON.

The text layer is read and repaired as the pipeline does (no OCR, so it stays fast). Any change in what
the parser finds shows up here as a diff; when the change is wanted, regenerate and review the JSON diff:

    MOEDEARKIV_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers import parse_document
from parsers.repair import Repairer
from pipeline.export import SourceInfo, meeting_dict
from pipeline.extract import read_text_layer
from pipeline.steps import damaged_pages, document_lines, repair

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "data" / "golden"
REGENERATE = os.environ.get("MOEDEARKIV_REGEN_GOLDEN") == "1"
PDFS = [ROOT / "fixtures" / "pdf" / f"00{n}.pdf" for n in range(5)] + sorted(
    p for p in (ROOT / "fixtures" / "real").glob("*.pdf") if "SCANNED" not in p.name)


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer.load()


def export(path: Path, repairer: Repairer) -> dict:
    pdf = pdfium.PdfDocument(path)
    pages = read_text_layer(pdf)
    pages = repair(pages, damaged_pages(pages, repairer), repairer)
    meeting = parse_document(document_lines(pages), path.name)
    source = SourceInfo(filename=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), pages=len(pages),
                        repaired_words=sum(p.repairs for p in pages))
    return json.loads(json.dumps(meeting_dict(meeting, path.stem, source), ensure_ascii=False))


def _differences(want: object, got: object, where: str = "") -> list[str]:
    """Paths where two JSON values differ, so a failure names the field instead of dumping both files."""
    if isinstance(want, dict) and isinstance(got, dict):
        return [d for key in sorted(set(want) | set(got), key=str)
                for d in _differences(want.get(key), got.get(key), f"{where}.{key}")]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [d for k, (a, b) in enumerate(zip(want, got, strict=True)) for d in _differences(a, b, f"{where}[{k}]")]
    return [] if want == got else [f"{where or '.'}: want {str(want)[:120]!r}, got {str(got)[:120]!r}"]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_export_matches_golden_file(path: Path, repairer: Repairer) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present (fixtures/make_fixtures.py makes the fixture PDFs)")
    got = export(path, repairer)
    golden = GOLDEN / f"{path.stem}.json"
    if REGENERATE:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with MOEDEARKIV_REGEN_GOLDEN=1"
    want = json.loads(golden.read_text(encoding="utf-8"))
    differences = _differences(want, got)
    assert not differences, "\n".join(differences[:20])
