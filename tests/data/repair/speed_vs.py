"""Repair speed of this tree against another (e.g. main), run alternately so that both see the same load.

    git archive main | tar -x -C /tmp/old
    .venv/bin/python tests/data/repair/speed_vs.py /tmp/old [--turns 3]

Runs `bench/bench_repair.py` of each tree in turn with this tree's Python and prints the best cold and warm
words/s of each and the ratio new/old (1.0 = as fast).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[3]
SEED = HERE.parent / "shared" / "seeds" / "001_66560f16dbfb38f6.txt"
_RATE = re.compile(r"(cold|warm) .*= ([\d,]+) words/s")


def run(tree: Path, cache_dir: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(tree / "bench" / "bench_repair.py"), "--cache-dir", str(cache_dir),
                          "--rounds", "3", "--seed", str(SEED)], capture_output=True, text=True, check=True, cwd=tree,
                         env={**os.environ, "PYTHONPATH": str(tree)}).stdout
    return {kind: float(rate.replace(",", "")) for kind, rate in _RATE.findall(out)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/lexcache-speed"))
    args = parser.parse_args()
    best: dict[str, dict[str, float]] = {"old": {}, "new": {}}
    for _ in range(args.turns):
        for name, tree in (("old", args.old.resolve()), ("new", HERE)):
            for kind, rate in run(tree, args.cache_dir).items():
                best[name][kind] = max(best[name].get(kind, 0.0), rate)
    for kind in ("cold", "warm"):
        old, new = best["old"].get(kind, 0.0), best["new"].get(kind, 0.0)
        print(f"{kind}: old {old:,.0f} words/s, new {new:,.0f} words/s, new/old {new / old if old else 0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
