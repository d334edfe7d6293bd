"""Build the search-relevance test archive: ingest the born-digital test PDFs through the CLI, then export them.

    .venv/bin/python tests/data/relevance/build_archive.py HOME EXPORT_DIR

Only born-digital PDFs (no OCR, so it takes seconds): the five seed PDFs 000-004 and every PDF in
fixtures/real/ except the scanned one. The exports map meeting ids to document keys for score.py.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SEED_PDFS = tuple(ROOT / "fixtures" / "pdf" / f"{n:03d}.pdf" for n in range(5))


def archive_pdfs(root: Path = ROOT) -> list[Path]:
    """The PDFs of the relevance archive: seeds 000-004 and the born-digital real documents."""
    real = sorted(p for p in (root / "fixtures" / "real").glob("*.pdf") if "SCANNED" not in p.name.upper())
    return [*(root / "fixtures" / "pdf" / p.name for p in SEED_PDFS), *real]


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)


def build(home: Path, exports: Path) -> None:
    """Ingest every archive PDF into `home` and export all meetings to `exports`; raise if either step fails."""
    ingest = run_cli(home, "ingest", *map(str, archive_pdfs()))
    if ingest.returncode != 0:
        raise RuntimeError(f"ingest failed (exit {ingest.returncode}): {ingest.stderr.strip()[-2000:]}")
    export = run_cli(home, "export", "--all", "--out", str(exports))
    if export.returncode != 0:
        raise RuntimeError(f"export failed (exit {export.returncode}): {export.stderr.strip()[-2000:]}")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    build(Path(argv[0]), Path(argv[1]))
    print(f"archive in {argv[0]}, exports in {argv[1]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
