#!/usr/bin/env python3
"""Score the parser on layouts of other agenda systems: ingest, export and compare with the answers here.

    .venv/bin/python tests/data/systems/score_systems.py            # table + macro averages
    .venv/bin/python tests/data/systems/score_systems.py --json     # the scorer's full report as JSON
    .venv/bin/python tests/data/systems/score_systems.py --keep DIR # keep the archive and exports in DIR

Runs the real CLI (`cli.py --quiet --home H ingest …`, `export --all --out E`) on `fixtures/systems/*.pdf`
plus the real SBSYS referat in `../shared/corpus/real`, then `../shared/eval/score.py corpus` against this
folder. The scanned layouts go through Tesseract, so a run takes a minute or two.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHARED = Path(os.environ.get("MOEDEARKIV_SHARED", ROOT.parent / "shared"))
SBSYS = SHARED / "corpus" / "real" / "dk_aarhus_moedesystemgruppen_2016-10-06_referat.pdf"
META = ("kind", "body", "date", "start_time", "location")
FIGURES = ("items", "titles", "case_numbers", "section_bounds", "decisions", "participants")


def figure(report: dict, name: str) -> float:
    value = report[name]
    return value["f1"] if isinstance(value, dict) else float(value)


def run(home: Path, exports: Path) -> dict:
    """Ingest each fixture into an archive of its own, export it, and score the exports.

    One archive per document, so what is scored is how each document parses: in one shared archive the scanned
    twin of a layout is filed as a `copy` of its born-digital meeting (one meeting, one record) and has no export
    of its own. The Danish lexicon is built once and shared through each archive's cache folder."""
    import shutil

    python = sys.executable
    pdfs = sorted((ROOT / "fixtures" / "systems").glob("*.pdf")) + ([SBSYS] if SBSYS.exists() else [])
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    exports.mkdir(parents=True, exist_ok=True)
    cache = home / "shared-cache"
    cache.mkdir(parents=True, exist_ok=True)
    for pdf in pdfs:
        own, out = home / pdf.stem, home / f"{pdf.stem}-exports"
        own.mkdir(parents=True, exist_ok=True)
        (own / "cache").symlink_to(cache, target_is_directory=True)
        cli = [python, str(ROOT / "cli.py"), "--quiet", "--home", str(own)]
        subprocess.run([*cli, "ingest", str(pdf)], check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        subprocess.run([*cli, "export", "--all", "--out", str(out)], check=True, cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL)
        for n, exported in enumerate(sorted(out.glob("*.json"))):
            shutil.copy(exported, exports / f"{pdf.stem}-{n}.json")
    out = subprocess.run([python, str(SHARED / "eval" / "score.py"), "--json", "corpus", str(HERE), str(exports)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def table(report: dict) -> str:
    cols = ("items", "titles", "cases", "bounds", "decis", "people", *META)
    lines = [f"{'document':52} " + " ".join(f"{c[:6]:>6}" for c in cols)]
    sums: dict[str, float] = {}
    for key, doc in sorted(report.items()):
        if doc.get("missing"):
            lines.append(f"{key[:52]:52} (no export matched)")
            values = [0.0] * len(cols)
        else:
            values = [figure(doc, f) for f in FIGURES] + [float(doc["meta"][m]) for m in META]
            lines.append(f"{key[:52]:52} " + " ".join(f"{v:6.2f}" for v in values))
        for c, v in zip(cols, values, strict=True):
            sums[c] = sums.get(c, 0.0) + v
    n = len(report) or 1
    lines.append(f"{'macro average (' + str(len(report)) + ' documents)':52} "
                 + " ".join(f"{sums.get(c, 0.0) / n:6.2f}" for c in cols))
    lines.append("items, people: F1; titles, cases: share right among matched items (1.00 when none matched);"
                 " bounds, decis: share of the answer's sections/decisions found with both edges right;"
                 " meta: 1 = right.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the scorer's report as JSON")
    parser.add_argument("--keep", type=Path, help="build the archive and exports in this folder and keep them")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        report = run(args.keep / "home", args.keep / "exports")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            report = run(Path(tmp) / "home", Path(tmp) / "exports")
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
