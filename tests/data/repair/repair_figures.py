"""Repair figures on damaged texts the repair was not tuned on: pairs of (English-OCR'd text, clean text).

    .venv/bin/python tests/data/repair/repair_figures.py CLEAN.txt DAMAGED.txt [CLEAN2 DAMAGED2 ...]
    .venv/bin/python tests/data/repair/repair_figures.py --synthetic CLEAN.txt [CLEAN2 ...]

`--synthetic` damages each clean text the way an OCR without Danish does (seeded, as in
tests/test_repair.py) and repairs that.

The two texts are aligned word by word (difflib over whitespace tokens, edge punctuation stripped). Among
aligned words, `damaged` counts OCR words that differ from the clean word while the clean word has æ/ø/å
(the damage an OCR without Danish does; other OCR errors are out of scope), `fixed` those the repair
turned into the clean word; `correct` counts OCR words that were already right and `kept` those the repair
left alone. Prints one JSON object with the figures per pair and in total.
"""
from __future__ import annotations

import difflib
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from parsers.repair import Repairer  # noqa: E402

_STRIP = ".,;:()\"'!?"
_DANISH = re.compile("[æøåÆØÅ]")


def words(text: str) -> list[str]:
    return [t.strip(_STRIP) for t in text.split()]


def figures(clean: str, damaged: str, repairer: Repairer) -> dict:
    repaired = repairer.repair(damaged).text
    ref, ocr, new = words(clean), words(damaged), words(repaired)
    assert len(ocr) == len(new), "repair must keep the number of tokens"
    counts = {"damaged": 0, "fixed": 0, "correct": 0, "kept": 0}
    missed: list[str] = []
    broken: list[str] = []
    matcher = difflib.SequenceMatcher(None, ref, ocr, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op not in ("equal", "replace") or i2 - i1 != j2 - j1:
            continue
        for k in range(i2 - i1):
            want, got, out = ref[i1 + k], ocr[j1 + k], new[j1 + k]
            if want == got:
                counts["correct"] += 1
                counts["kept"] += out == want
                if out != want:
                    broken.append(f"{got} -> {out}")
            elif _DANISH.search(want):
                counts["damaged"] += 1
                counts["fixed"] += out == want
                if out != want:
                    missed.append(f"{got} -> {out} (want {want})")
    return {**counts, "missed": missed[:25], "broken": broken[:25]}


_READINGS = {"ø": (("g", 60), ("o", 12), ("e", 10), ("a", 8), ("@", 10)), "æ": (("ae", 60), ("ee", 25), ("ze", 15)),
             "å": (("a", 90), ("é", 10)), "Ø": (("@", 60), ("J", 40)), "Æ": (("Ae", 1),), "Å": (("A", 1),)}


def synthetic_damage(clean: str, seed: int = 7) -> str:
    """What an OCR without Danish makes of æ/ø/å, drawn at random by the rates seen in seed 001."""
    rng = random.Random(seed)
    return "".join(rng.choices([r for r, _ in _READINGS[ch]], [w for _, w in _READINGS[ch]])[0]
                   if ch in _READINGS else ch for ch in clean)


def main(argv: list[str]) -> int:
    repairer = Repairer.load()
    total = {"damaged": 0, "fixed": 0, "correct": 0, "kept": 0}
    out: dict = {}
    if argv and argv[0] == "--synthetic":
        texts = [(Path(p).name, Path(p).read_text(encoding="utf-8")) for p in argv[1:]]
        pairs = [(name, clean, synthetic_damage(clean)) for name, clean in texts]
    else:
        pairs = [(Path(d).name, Path(c).read_text(encoding="utf-8"), Path(d).read_text(encoding="utf-8"))
                 for c, d in zip(argv[::2], argv[1::2], strict=True)]
    for name, clean, damaged in pairs:
        result = figures(clean, damaged, repairer)
        out[name] = result
        for key in total:
            total[key] += result[key]
    total["fixed_share"] = round(total["fixed"] / total["damaged"], 4) if total["damaged"] else 1.0
    total["kept_share"] = round(total["kept"] / total["correct"], 4) if total["correct"] else 1.0
    out["total"] = total
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
