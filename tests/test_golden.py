"""Golden files: each fixture PDF's whole export, compared field by field with committed JSON.

The export is made by `process_pdf`, the same function `ingest` runs (tables included), with a replaying
fake for OCR (none of these born-digital files needs it: the test checks that). Any change in what the parser
finds shows up here as a diff; when the change is wanted, regenerate and review the JSON diff:

    MOEDEARKIV_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parsers.repair import Repairer
from pipeline.config import Settings
from pipeline.export import SourceInfo, meeting_dict
from pipeline.process import process_pdf
from tests.fake_ocr import ReplayOcr

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "data" / "golden"
REGENERATE = os.environ.get("MOEDEARKIV_REGEN_GOLDEN") == "1"
PDFS = [ROOT / "fixtures" / "pdf" / f"00{n}.pdf" for n in range(5)] + sorted(
    p for p in (ROOT / "fixtures" / "real").glob("*.pdf") if "SCANNED" not in p.name)


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer.load()


def export(path: Path, repairer: Repairer, tmp: Path) -> dict:
    ocr = ReplayOcr()
    document = process_pdf(path, ocr, repairer, Settings.resolve(home=tmp, env={}))
    assert ocr.calls == [], "a golden file must not depend on OCR"
    source = SourceInfo(filename=path.name, sha256=document.sha256, pages=len(document.pages),
                        repaired_words=sum(p.repairs for p in document.pages))
    return json.loads(json.dumps(meeting_dict(document.meeting, path.stem, source), ensure_ascii=False))


def _differences(want: object, got: object, where: str = "") -> list[str]:
    """Paths where two JSON values differ, so a failure names the field instead of dumping both files."""
    if isinstance(want, dict) and isinstance(got, dict):
        return [d for key in sorted(set(want) | set(got), key=str)
                for d in _differences(want.get(key), got.get(key), f"{where}.{key}")]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [d for k, (a, b) in enumerate(zip(want, got, strict=True)) for d in _differences(a, b, f"{where}[{k}]")]
    return [] if want == got else [f"{where or '.'}: want {str(want)[:120]!r}, got {str(got)[:120]!r}"]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_export_matches_golden_file(path: Path, repairer: Repairer, tmp_path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present (fixtures/make_fixtures.py makes the fixture PDFs)")
    got = export(path, repairer, tmp_path)
    golden = GOLDEN / f"{path.stem}.json"
    if REGENERATE:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with MOEDEARKIV_REGEN_GOLDEN=1"
    want = json.loads(golden.read_text(encoding="utf-8"))
    differences = _differences(want, got)
    assert not differences, "\n".join(differences[:20])


# What the archive adds when it files a document under its meeting (tested in tests/test_meeting_record.py): ids,
# the meeting's sources, where each section came from, decision dates and bodies, the municipality.
ARCHIVE_FIELDS = frozenset({"meeting_id", "id", "ingested_at", "sources", "decided_on", "decided_by", "municipality"})


def _without_ids(data: object) -> object:
    """An export without the parts that name the archive rather than the file (ids, sources, merge results)."""
    if isinstance(data, dict):
        return {k: _without_ids(v) for k, v in data.items() if k not in ARCHIVE_FIELDS
                and not (k == "source" and not isinstance(v, dict)) and not (k == "pages" and isinstance(v, list))}
    if isinstance(data, list):
        return [_without_ids(v) for v in data]
    return data


def test_golden_files_agree_with_ingest_exports(tmp_path: Path) -> None:
    """ingest → export of golden PDFs (two with tables) gives the golden files, apart from ids."""
    import subprocess
    import sys

    chosen = [ROOT / "fixtures" / "pdf" / "000.pdf", ROOT / "fixtures" / "real" /
              "dk_aarhus_sundhed-omsorg_2025-08-29_bilag_sager-paa-vej.pdf",
              ROOT / "fixtures" / "real" / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"]
    chosen = [p for p in chosen if p.exists()]
    home, out = tmp_path / "H", tmp_path / "E"
    cli = [sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home)]
    subprocess.run([*cli, "ingest", *map(str, chosen)], check=True, capture_output=True, timeout=300)
    subprocess.run([*cli, "export", "--all", "--out", str(out)], check=True, capture_output=True, timeout=300)
    exported = {json.loads(p.read_text(encoding="utf-8"))["source"]["filename"]: json.loads(p.read_text("utf-8"))
                for p in out.glob("*.json")}
    for path in chosen:
        want = json.loads((GOLDEN / f"{path.stem}.json").read_text(encoding="utf-8"))
        differences = _differences(_without_ids(want), _without_ids(exported[path.name]))
        assert not differences, f"{path.name}:\n" + "\n".join(differences[:20])
