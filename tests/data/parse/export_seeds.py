"""Parse each seed text and write exports for the scorer.

    .venv/bin/python tests/data/parse/export_seeds.py OUTDIR [SEED_DIR]
    python3 /work/shared/eval/score.py corpus /work/shared/gold OUTDIR

OCR repair (parsers/repair.py) is applied to the text first when it exists, as the pipeline does.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from parsers.document import lines_from_text, parse_document  # noqa: E402
from pipeline.export import SourceInfo, meeting_dict  # noqa: E402

SEEDS = Path("/work/shared/seeds")


def repaired(text: str) -> str:
    try:
        from parsers.repair import Repairer
    except ImportError:
        return text
    try:
        return Repairer.load().repair(text).text
    except Exception as error:  # noqa: BLE001 - the repairer is built in parallel; measure unrepaired then
        print(f"repair failed, parsing unrepaired text: {error!r}", file=sys.stderr)
        return text


def export_seeds(out: Path, seeds: Path = SEEDS, repair: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if repair:
            text = repaired(text)
        meeting = parse_document(lines_from_text(text), path.name)
        data = meeting_dict(meeting, path.stem, SourceInfo(filename=path.name, sha256="0" * 64,
                                                          pages=text.count("\f") + 1))
        target = out / f"{path.stem}.json"
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    export_seeds(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else SEEDS)
