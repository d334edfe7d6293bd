"""Every command against both databases: SQLite (the default) and a real PostgreSQL (`--db postgresql+psycopg://`).

The same born-digital PDFs are ingested into each; the outputs of stats, search, show, case, export and
reindex must agree, so nothing in the storage layer is SQLite-only. On PostgreSQL the search runs inside
the database (the postgres engine is the default there), on SQLite in Whoosh: the totals still agree.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # three ingests and ~20 CLI runs per database

PDFS = [FIXTURES / "pdf" / "000.pdf", FIXTURES / "pdf" / "001.pdf",
        FIXTURES / "real" / "dk_ballerup_sfu_2012-12-04_punkt04_takstreduktion.pdf"]
CORRUPT = FIXTURES / "bad" / "truncated.pdf"


def cli(home: Path, db: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    db_args = ["--db", db] if db else []
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *db_args, *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


@pytest.fixture(params=["sqlite", "postgresql"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str | None]:
    """A data folder (and, for PostgreSQL, a fresh database) with the PDFs and one corrupt file ingested."""
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    home = tmp_path / "home"
    proc = cli(home, db, "ingest", "--json", *map(str, [*PDFS, CORRUPT]))
    assert proc.returncode == 1, proc.stderr  # the corrupt file fails, the rest is ingested
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sum(r["status"] == "ingested" for r in results) == len(PDFS)
    return home, db


def _summary(home: Path, db: str | None, tmp: Path) -> dict:
    """What each command says about the archive, in a form that does not depend on the database."""
    stats = json.loads(cli(home, db, "stats", "--json").stdout)
    stats["failures"] = [(Path(f["path"]).name, f["error"]) for f in stats["failures"]]
    search = json.loads(cli(home, db, "search", "--json", "--limit", "50", "kommune").stdout)
    meeting_ids = sorted({hit["meeting_id"] for hit in search["hits"]})
    assert meeting_ids, "the query finds something in the fixtures"
    show = json.loads(cli(home, db, "show", "--json", meeting_ids[0]).stdout)
    case_number = next((item["case_number"] for item in show["items"] if item.get("case_number")), None)
    case = json.loads(cli(home, db, "case", "--json", case_number).stdout) if case_number else None
    out = tmp / f"export-{'pg' if db else 'sqlite'}"
    assert cli(home, db, "export", "--all", "--out", str(out)).returncode == 0
    exported = sorted(p.name for p in out.glob("*.json"))
    reindexed = cli(home, db, "reindex")
    assert reindexed.returncode == 0, reindexed.stderr
    after = json.loads(cli(home, db, "search", "--json", "--limit", "50", "kommune").stdout)
    return {"stats": stats, "total": search["total"], "total_after_reindex": after["total"],
            "hits": sorted((h["meeting_id"], h["item_number"], h["section"]) for h in search["hits"])
            if search["total"] <= 50 else None,  # every hit: the same whatever the engine's scores
            "show": show, "case": case, "exported": exported}


def test_every_command_gives_the_same_answers_on_sqlite_and_postgresql(pg_url: str, tmp_path: Path) -> None:
    sqlite_home, pg_home = tmp_path / "sqlite", tmp_path / "pg"
    for home, db in ((sqlite_home, None), (pg_home, pg_url)):
        proc = cli(home, db, "ingest", "--json", *map(str, [*PDFS, CORRUPT]))
        assert proc.returncode == 1, proc.stderr
    sqlite, pg = _summary(sqlite_home, None, tmp_path), _summary(pg_home, pg_url, tmp_path)
    assert pg["stats"]["meetings"] == len(PDFS) and pg["stats"]["failed"] == 1
    assert pg == sqlite
    assert not any(Path(pg_home).glob("*.sqlite")), "a --db URL leaves no SQLite file behind"


def test_a_second_ingest_skips_every_file(archive: tuple[Path, str | None]) -> None:
    home, db = archive
    proc = cli(home, db, "ingest", "--json", *map(str, PDFS))
    assert proc.returncode == 0, proc.stderr
    assert {json.loads(line)["status"] for line in proc.stdout.splitlines()} == {"skipped"}


def test_an_unknown_meeting_id_is_exit_1_on_either_database(archive: tuple[Path, str | None]) -> None:
    home, db = archive
    proc = cli(home, db, "show", "no-such-meeting")
    assert proc.returncode == 1 and "no-such-meeting" in proc.stderr
