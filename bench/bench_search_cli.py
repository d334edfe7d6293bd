"""Wall time of the whole `moedearkiv search` process (start, imports, database check, index, output), next to
`python -c pass` measured alternately in the same run, on an archive of bench/bench_ingest.py's born-digital files.

    .venv/bin/python bench/bench_search_cli.py [--runs 30] [--home DIR]

Issue 11's goal is a p50 of at most 0.5 s. Each run is a fresh subprocess (as a user's shell starts it);
runs alternate `search` and `python -c pass` over bench_ingest.py's queries, so load on a shared machine falls
on both alike. Printed: p50/p95 wall of each, their ratio, the search's CPU time (user+sys of the child) and
the load average. Without --home the archive is built first in a temporary folder (not timed).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import BORN_DIGITAL, QUERIES  # noqa: E402

CLI = [sys.executable, str(ROOT / "cli.py")]


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=str(ROOT))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(home: Path) -> None:
    proc = subprocess.run([*CLI, "--quiet", "--home", str(home), "ingest", *map(str, BORN_DIGITAL)],
                          capture_output=True, text=True, check=False, cwd=str(ROOT))
    if proc.returncode != 0:
        raise SystemExit(f"building the archive failed:\n{proc.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--home", type=Path, help="an archive built already (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-search-cli-") as tmp:
        home = args.home or Path(tmp) / "home"
        if args.home is None:
            build(home)
        timed([*CLI, "--home", str(home), "search", QUERIES[0]])  # warm the page cache once, not counted
        search: list[tuple[float, float]] = []
        baseline: list[tuple[float, float]] = []
        for n in range(args.runs):
            search.append(timed([*CLI, "--home", str(home), "search", QUERIES[n % len(QUERIES)]]))
            baseline.append(timed([sys.executable, "-c", "pass"]))
    wall = [w for w, _ in search]
    base = [w for w, _ in baseline]
    p50, p95, b50, b95 = percentile(wall, 0.5), percentile(wall, 0.95), percentile(base, 0.5), percentile(base, 0.95)
    print(f"`moedearkiv search` in a subprocess, {args.runs} runs alternating with `python -c pass`:")
    print(f"  python -c pass       p50 {b50 * 1000:7.0f} ms   p95 {b95 * 1000:7.0f} ms   (baseline)")
    print(f"  moedearkiv search    p50 {p50 * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms   "
          f"ratio p50 {p50 / b50:5.1f}x   (goal: p50 <= 500 ms)")
    print(f"  CPU time of search   p50 {statistics.median(c for _, c in search) * 1000:7.0f} ms   "
          f"(python -c pass {statistics.median(c for _, c in baseline) * 1000:.0f} ms)")
    print(f"  load average         {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
