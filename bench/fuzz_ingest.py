"""The fuzz set through the real CLI: internal errors, tracebacks, peak memory, slowest file.

    .venv/bin/python bench/fuzz_ingest.py [--count 320] [--seed 10] [--work /tmp/fuzz]

Generates the seeded set (tests/fuzz/make_fuzz.py), runs `moedearkiv ingest --json` on it in a subprocess
under /usr/bin/time -v (peak RSS of the ingest process; getrusage of children where time is missing), then
checks that every good file was ingested and is searchable. Exit 1 if any acceptance figure is missed.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.make_fuzz import make  # noqa: E402

MAX_RSS_KB = 1_500_000
MAX_FILE_SECONDS = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/moedearkiv-fuzz"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    files = make(args.work / "in", args.count, args.seed)
    home = args.work / "home"
    cli = [sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home)]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.monotonic()
    proc = subprocess.Popen([*timer, *cli, "ingest", "--json", str(args.work / "in")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    durations: list[tuple[float, str]] = []
    results = []
    last = time.monotonic()
    for line in proc.stdout:  # one JSON object per file, as it finishes
        now = time.monotonic()
        result = json.loads(line)
        results.append(result)
        durations.append((now - last, result["path"]))
        last = now
    stderr = proc.stderr.read()
    code = proc.wait()
    total = time.monotonic() - started
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    rss_kb = int(match.group(1)) if match else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    internal = [r for r in results if r["error"] and "internal error" in r["error"]]
    tracebacks = stderr.count("Traceback")
    good = [p for p in files if p.name.endswith(("-good.pdf", "-scanned.pdf"))]
    by_path = {Path(r["path"]).name: r for r in results}
    not_ingested = [p.name for p in good if by_path.get(p.name, {}).get("status") not in ("ingested", "skipped")]
    unsearchable = []
    for p in good:
        meeting_id = by_path.get(p.name, {}).get("meeting_id")
        shown = subprocess.run([*cli, "show", "--json", str(meeting_id)], capture_output=True, text=True)
        if shown.returncode != 0:
            unsearchable.append(p.name)
            continue
        words = [w for w in re.findall(r"[A-Za-zæøåÆØÅ]{6,}", shown.stdout) if w.isalpha()][:1]
        hits = subprocess.run([*cli, "search", "--json", "--limit", "1000", words[0]] if words else ["true"],
                              capture_output=True, text=True)
        if words and meeting_id not in hits.stdout:
            unsearchable.append(p.name)
    slowest = max(durations, default=(0.0, ""))
    statuses = {s: sum(r["status"] == s for r in results) for s in ("ingested", "skipped", "failed")}
    print(json.dumps({
        "files": len(files), "results": len(results), "exit_code": code, **statuses,
        "internal_errors": len(internal), "tracebacks_on_stderr": tracebacks,
        "good_files": len(good), "good_not_ingested": not_ingested, "good_not_searchable": unsearchable,
        "peak_rss_mb": round(rss_kb / 1024), "slowest_file_s": round(slowest[0], 1), "slowest_file": slowest[1],
        "total_s": round(total, 1), "internal": [r["error"][:300] for r in internal],
    }, ensure_ascii=False, indent=1))
    ok = (not internal and not tracebacks and not not_ingested and not unsearchable and rss_kb <= MAX_RSS_KB
          and slowest[0] <= MAX_FILE_SECONDS and len(results) == len(files))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
