"""`search` does only what it needs: no PDF library, parser, lexicon or Alembic is imported (issue 11).

Measured in a subprocess of its own (pytest has imported everything already); the figures are in
bench/bench_search_cli.py, this only keeps the gain from regressing silently."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from storage.migrate import alembic_head, head_revision
from tests.conftest import FIXTURES, ROOT

HEAVY = ("pypdfium2", "pdfplumber", "pdfminer", "alembic", "parsers.lexicon", "parsers.repair", "parsers.document",
         "pipeline.ingest", "pipeline.process", "pipeline.ocr", "sqlalchemy.orm")

# Run `moedearkiv ARGS...` in this process after `import cli`, then print the heavy modules it imported.
PROBE = r"""
import json, sys
heavy, args = json.loads(sys.argv[1]), sys.argv[2:]
import cli
try:
    cli.main(args, prog_name="moedearkiv")
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules
                                                 if any(m == h or m.startswith(h + ".") for h in heavy))}))
"""


def probe(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), *args], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_search_imports_no_pdf_library_parser_lexicon_or_alembic(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ingest = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), "ingest",
                             str(FIXTURES / "pdf" / "000.pdf")], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert ingest.returncode == 0, ingest.stderr
    found = probe("--home", str(home), "search", "--json", "lærepladser")
    assert found["code"] in (0, None)
    assert found["loaded"] == []
    assert "pipeline.ingest" in probe("--home", str(home), "ingest", str(FIXTURES / "pdf" / "001.pdf"))["loaded"]


def test_the_head_revision_read_from_the_files_is_alembics() -> None:
    assert head_revision() == alembic_head()
