"""Repair speed on seed 001 (an English-OCR'd Danish document) and lexicon load time.

    .venv/bin/python bench/bench_repair.py [--seed PATH] [--cache-dir DIR] [--rounds N]

'cold' uses a fresh word cache for each round (a new document with words never seen before);
'warm' repeats the text through the same Repairer, as in an archive where words recur.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.lexicon import Lexicon, load_lexicon_data  # noqa: E402
from parsers.repair import Repairer  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_66560f16dbfb38f6.txt"


def _timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.seed.exists():
        print(f"seed text not found: {args.seed}", file=sys.stderr)
        return 2
    text = args.seed.read_text(encoding="utf-8")
    words = len(text.split())

    _, build = _timed(lambda: Lexicon.load())
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="lexcache-"))
    load_lexicon_data(cache_dir)  # make sure the cache file exists
    lexicon, cached = _timed(lambda: Lexicon.load(cache_dir=cache_dir))
    print(f"lexicon load: {build:.2f} s without cache, {cached:.2f} s from cache ({len(lexicon.words):,} words)")

    cold: list[float] = []
    for _ in range(args.rounds):
        repairer = Repairer(lexicon)
        _, seconds = _timed(lambda: repairer.repair(text))  # noqa: B023
        cold.append(seconds)
    warm: list[float] = []
    for _ in range(args.rounds):
        result, seconds = _timed(lambda: repairer.repair(text))
        warm.append(seconds)
    best_cold, best_warm = min(cold), min(warm)
    print(f"repair {args.seed.name}: {words:,} words, {result.repairs} tokens repaired")
    print(f"  cold (new word cache): {best_cold:.3f} s = {words / best_cold:,.0f} words/s")
    print(f"  warm (words seen before): {best_warm:.3f} s = {words / best_warm:,.0f} words/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
