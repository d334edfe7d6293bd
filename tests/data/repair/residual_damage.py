"""Residual OCR damage in an export: how many of the gold damaged words are still there.

    .venv/bin/python cli.py --home H ingest fixtures/pdf/001.pdf
    .venv/bin/python cli.py --home H export --all --out E
    .venv/bin/python tests/data/repair/residual_damage.py E [SEED] [GOLD_PAIRS]

Counts occurrences of each damaged spelling of `../shared/gold/001_repairs.json` (pairs with ocr != correct)
in every text field of the export JSON, over their occurrences in the seed text, with the scorer's
tokenisation (whitespace, edge punctuation stripped). Prints one JSON object; `residual` is the share.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[4] / "shared"
SEED = next(iter(sorted((SHARED / "seeds").glob("001_*.txt"))), SHARED / "seeds" / "001.txt")
PAIRS = SHARED / "gold" / "001_repairs.json"
_STRIP = ".,;:()\"'!?"
_NOT_TEXT = frozenset({"id", "meeting_id", "sha256", "filename", "path", "source"})


def tokens(text: str) -> Iterator[str]:
    for token in text.split():
        yield token.strip(_STRIP)


def strings(value: object, key: str = "") -> Iterator[str]:
    """Every text field of an export (ids, hashes and file names are not text)."""
    if isinstance(value, str):
        if key not in _NOT_TEXT:
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)


def residual(export_texts: list[str], seed_text: str, pairs: list[dict]) -> dict:
    damaged = {p["ocr"] for p in pairs if p["ocr"] != p["correct"]}
    in_seed = Counter(t for t in tokens(seed_text) if t in damaged)
    in_export = Counter(t for text in export_texts for t in tokens(text) if t in damaged)
    total = sum(in_seed.values())
    left = sum(in_export.values())
    return {
        "damaged_in_seed": total,
        "still_in_export": left,
        "residual": round(left / total, 4) if total else 0.0,
        "most_common_left": in_export.most_common(15),
    }


def export_texts(export_dir: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(export_dir.glob("*.json")):
        texts.extend(strings(json.loads(path.read_text(encoding="utf-8"))))
    return texts


def main(argv: list[str]) -> int:
    export_dir = Path(argv[0])
    seed = Path(argv[1]) if len(argv) > 1 else SEED
    pairs = json.loads((Path(argv[2]) if len(argv) > 2 else PAIRS).read_text(encoding="utf-8"))
    result = residual(export_texts(export_dir), seed.read_text(encoding="utf-8"), pairs)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
