"""Ingest time of the current code next to an older revision, measured alternately in the same run.

    .venv/bin/python bench/bench_ingest_compare.py [--base 4404635] [--rounds 5] [--skip 004.pdf ...]

The older revision is unpacked with `git archive` into a temporary folder (no worktree is registered) and
each version ingests the same born-digital files (the set of bench/bench_ingest.py) into a fresh data folder
in a child process that imports only its own tree. Rounds alternate base, current, base, current, ... so load
on a shared machine falls on both alike; the figure is the ratio of the medians, with `pdftotext` over the
same files as the baseline of each round and the load average printed beside it. Only the ingest call is
timed: interpreter start, imports and loading the Danish lexicon are not. The child's CPU time is reported
beside wall time (born-digital ingest runs in one process, so under load CPU time is the steadier figure).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "fixtures" / "pdf").glob("00[0-4].pdf")) + [
    p for p in sorted((ROOT / "fixtures" / "real").glob("*.pdf")) if "SCANNED" not in p.name]

# Run in the child: ingest FILES into HOME with the code of TREE, print {"seconds", "cpu", "module", "meetings"}.
CHILD = r"""
import json, sys, time
from pathlib import Path
tree, home, files = sys.argv[1], Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]
sys.path.insert(0, tree)
from pipeline.config import Settings
from pipeline import ingest
from pipeline.ingest import Services, ingest_paths
services = Services.open(Settings.resolve(home=home, quiet=True))
services.repairer  # the lexicon loads once per process: not part of ingest time
start, cpu = time.perf_counter(), time.process_time()
results = ingest_paths(files, services)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
failed = [r.path for r in results if r.status == "failed"]
print(json.dumps({"seconds": seconds, "cpu": cpu, "module": ingest.__file__, "failed": [str(p) for p in failed],
                  "meetings": len(services.archive.meeting_ids())}))
"""


def unpack(revision: str, into: Path) -> Path:
    """The tree of `revision` in `into` (git archive: no worktree, no checkout of the caller's repository)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision], capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_child(tree: Path, home: Path, files: list[Path]) -> dict:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MOEDEARKIV_DB", None)
    env.pop("MOEDEARKIV_HOME", None)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(home), *map(str, files)],
                          capture_output=True, text=True, env=env, cwd=str(tree), check=False)
    if proc.returncode != 0:
        raise SystemExit(f"ingest with {tree} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if not Path(result["module"]).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"the child imported {result['module']}, not the code of {tree}")
    return result


def pdftotext_seconds(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="4404635", help="the older revision (default: before issue 9)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip", nargs="*", default=[], help="file names to leave out (a busy machine)")
    args = parser.parse_args()
    files = [p for p in FILES if p.name not in set(args.skip)]
    times: dict[str, list[float]] = {"base": [], "current": []}
    cpu: dict[str, list[float]] = {"base": [], "current": []}
    baseline: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        trees = {"base": unpack(args.base, Path(tmp) / "base"), "current": ROOT}
        for n in range(args.rounds):
            baseline.append(pdftotext_seconds(files))
            for name in ("base", "current") if n % 2 == 0 else ("current", "base"):
                result = run_child(trees[name], Path(tmp) / f"home-{name}-{n}", files)
                times[name].append(result["seconds"])
                cpu[name].append(result["cpu"])
                print(f"round {n + 1} {name:7s} {result['seconds']:7.2f} s  cpu {result['cpu']:6.2f} s  "
                      f"meetings {result['meetings']:3d}  "
                      f"failed {len(result['failed'])}  load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    pages = sum(int(line.split()[-1]) for p in files for line in subprocess.run(
        ["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:") and p in files)
    base, current, text = (statistics.median(v) for v in (times["base"], times["current"], baseline))
    print(f"ingest of {len(files)} born-digital files ({pages} pages), {args.rounds} alternating rounds, median:")
    print(f"  pdftotext          {text:7.2f} s   (baseline)")
    print(f"  base {args.base:13s} {base:7.2f} s   {base / text:6.1f} x pdftotext")
    print(f"  current            {current:7.2f} s   {current / text:6.1f} x pdftotext")
    print(f"  current / base     {current / base:7.3f}   ({(current / base - 1) * 100:+.1f} %)   wall")
    cpu_base, cpu_current = statistics.median(cpu["base"]), statistics.median(cpu["current"])
    ratio = cpu_current / cpu_base
    print(f"  current / base     {ratio:7.3f}   ({(ratio - 1) * 100:+.1f} %)   CPU time of the ingest process"
          f" ({cpu_base:.2f} s base, {cpu_current:.2f} s current)")
    print(f"  load average       {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
