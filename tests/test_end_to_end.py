"""The whole flow on real parts: PDFs → SQLite → Whoosh → search → JSON export, through the CLI.

One archive is built per session (it OCRs a 36-page scan, about a minute) and the tests read it.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import FIXTURES, ROOT, SHARED, shared_or_skip

pytestmark = pytest.mark.slow

GOOD = [FIXTURES / "pdf" / "000.pdf", FIXTURES / "pdf" / "001.pdf", FIXTURES / "pdf" / "002-scan.pdf",
        FIXTURES / "real" / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf",
        FIXTURES / "real" / "dk_ballerup_sfu_2012-12-04_punkt04_takstreduktion.pdf"]
CORRUPT = FIXTURES / "bad" / "truncated.pdf"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with good PDFs and one corrupt one."""
    folder = tmp_path_factory.mktemp("inbox")
    for path in [*GOOD, CORRUPT]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def first_ingest(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    home = tmp_path_factory.mktemp("home")
    return home, run(home, "ingest", "--json", str(batch))


@pytest.fixture(scope="session")
def home(first_ingest: tuple[Path, subprocess.CompletedProcess]) -> Path:
    return first_ingest[0]


@pytest.fixture(scope="session")
def exports(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    proc = run(home, "export", "--all", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_batch_with_a_corrupt_pdf_exits_1_and_ingests_the_rest(first_ingest) -> None:  # noqa: ANN001
    _, proc = first_ingest
    assert proc.returncode == 1, proc.stderr
    results = {Path(r["path"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(results) == {p.name for p in [*GOOD, CORRUPT]}
    bad = results[CORRUPT.name]
    assert bad["status"] == "failed" and "damaged PDF" in bad["error"] and bad["meeting_id"] is None
    assert all(results[p.name]["status"] == "ingested" and results[p.name]["meeting_id"] for p in GOOD)
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and CORRUPT.name in error_lines[0]


def test_stats_lists_the_failed_file_with_its_reason(home: Path) -> None:
    stats = json.loads(run(home, "stats", "--json").stdout)
    assert stats["meetings"] == len(GOOD) and stats["failed"] == 1
    assert CORRUPT.name in stats["failures"][0]["path"] and "damaged PDF" in stats["failures"][0]["error"]
    assert stats["ocr_pages"] >= 30  # the whole 36-page scan of 002 went through Tesseract
    assert stats["items"] > 20 and stats["sections"] > 60


def test_second_ingest_of_the_good_files_skips_every_one(home: Path) -> None:
    proc = run(home, "ingest", "--json", *map(str, GOOD))
    assert proc.returncode == 0, proc.stderr
    statuses = [json.loads(line)["status"] for line in proc.stdout.splitlines()]
    assert statuses == ["skipped"] * len(GOOD)


def test_exports_validate_against_the_schema(exports: Path) -> None:
    schema = json.loads((SHARED / "schema" / "meeting.schema.json").read_text(encoding="utf-8")) \
        if (SHARED / "schema").exists() else json.loads((ROOT / "pipeline" / "meeting.schema.json").read_text())
    files = sorted(exports.glob("*.json"))
    assert len(files) == len(GOOD)
    for path in files:
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            json.loads(path.read_text(encoding="utf-8")))


def _score(exports: Path) -> dict:
    scorer = shared_or_skip("eval", "score.py")
    spec = importlib.util.spec_from_file_location("score", scorer)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.corpus(SHARED / "gold", exports)


def test_gold_item_f1_on_000_and_001(exports: Path) -> None:
    report = _score(exports)
    assert report["000"]["items"]["f1"] >= 0.9, report["000"]
    assert report["001"]["items"]["f1"] >= 0.5, report["001"]


def test_search_lærepladser_finds_item_3_7_of_the_2026_agenda(home: Path) -> None:
    proc = run(home, "search", "lærepladser", "--json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    assert any(h["date"] == "2026-06-16" and h["item_number"] == "3.7" for h in hits), hits
    assert {"meeting_id", "date", "kind", "item_number", "item_title", "section", "score", "snippet"} <= set(hits[0])


def test_the_ocr_scan_is_searchable(home: Path) -> None:
    """002 exists only as a 200-dpi image scan: its words must come from Tesseract's Danish model."""
    proc = run(home, "search", "resultatkontrakt erhvervshus", "--json")
    hits = json.loads(proc.stdout)["hits"]
    assert hits[0]["date"] == "2025-10-24" and hits[0]["item_number"] == "3.1", hits[0]
    assert "[[resultatkontrakt" in hits[0]["snippet"].lower()


def test_reindex_rebuilds_the_same_answers(home: Path) -> None:
    before = json.loads(run(home, "search", "sundhedsreformen", "--json").stdout)
    assert run(home, "reindex").returncode == 0
    after = json.loads(run(home, "search", "sundhedsreformen", "--json").stdout)
    assert before["total"] == after["total"] > 0
    assert [h["meeting_id"] for h in before["hits"]] == [h["meeting_id"] for h in after["hits"]]


def test_show_and_case_read_the_archive(home: Path) -> None:
    meeting_id = json.loads(run(home, "search", "lærepladser", "--json").stdout)["hits"][0]["meeting_id"]
    shown = run(home, "show", meeting_id)
    assert shown.returncode == 0 and meeting_id in shown.stdout
    case = json.loads(run(home, "case", "SAG-2026-00802", "--json").stdout)
    assert len(case["entries"]) >= 10 and all(i["date"] == "2026-06-16" for i in case["entries"])


def test_unknown_meeting_is_a_clear_error(home: Path) -> None:
    proc = run(home, "show", "no-such-meeting")
    assert proc.returncode == 1 and "no meeting with id 'no-such-meeting'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_query_syntax_is_exit_2_without_traceback(home: Path) -> None:
    proc = run(home, "search", '"unclosed phrase')
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
