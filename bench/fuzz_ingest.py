"""The fuzz set through the real CLI: internal errors, tracebacks, peak memory, slowest file.

    .venv/bin/python bench/fuzz_ingest.py [--count 320] [--seed 10] [--work /tmp/moedearkiv-fuzz] [--reuse]

Generates the seeded set (tests/fuzz/make_fuzz.py), runs `moedearkiv ingest --json` on it in a subprocess
under /usr/bin/time -v (peak RSS of the ingest process), with each file's wall time and CPU time (the
ingest process and its reaped Tesseract children, from /proc: under a loaded machine wall time says little).
The lexicon cache is built first, in a process of its own (its peak is reported beside).
Then every good file must be ingested and its meeting (as it is now) found by a word of its own: a whole
word of its sections, titles, tables or participants that no other good file's meeting has (the rarest where none is
unique), searched for, its meeting among the hits. Exit 1 if any acceptance figure is missed.
`--reuse` checks an existing run's data folder again without ingesting.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.make_fuzz import make  # noqa: E402

MAX_RSS_KB = 1_500_000
MAX_FILE_SECONDS = 120.0
GOOD = ("-good.pdf", "-scanned.pdf")
WORD = re.compile(r"[a-zæøå]{6,}")


@dataclass(frozen=True, slots=True)
class Timed:
    result: dict
    wall: float
    cpu: float


def cpu_seconds(pid: int) -> float:
    """utime + stime + cutime + cstime of a process (its threads, and the children it has waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def ingest_pid(proc: subprocess.Popen, timed: bool) -> int:
    """The ingest process itself: the child of /usr/bin/time where it wraps it."""
    if not timed:
        return proc.pid
    for _ in range(100):
        try:
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.05)
    return proc.pid


def run_ingest(cli: list[str], folder: Path) -> tuple[list[Timed], str, int, int]:
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    proc = subprocess.Popen([*timer, *cli, "ingest", "--json", str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    pid = ingest_pid(proc, bool(timer))
    timed: list[Timed] = []
    last_wall, last_cpu = time.monotonic(), cpu_seconds(pid)
    for line in proc.stdout:  # one JSON object per file, as it finishes
        wall, cpu = time.monotonic(), cpu_seconds(pid)
        timed.append(Timed(json.loads(line), wall - last_wall, cpu - last_cpu))
        last_wall, last_cpu = wall, cpu
    stderr = proc.stderr.read()
    code = proc.wait()
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    rss_kb = int(match.group(1)) if match else -1
    (folder.parent / "ingest.jsonl").write_text(
        "".join(json.dumps({**t.result, "wall_s": round(t.wall, 2), "cpu_s": round(t.cpu, 2)}, ensure_ascii=False)
                + "\n" for t in timed), encoding="utf-8")
    (folder.parent / "ingest.stderr").write_text(stderr, encoding="utf-8")
    return timed, stderr, code, rss_kb


def build_lexicon(cli: list[str]) -> int:
    """Build the data folder's lexicon cache beforehand (`normalize`), as any ingest after the first finds it:
    building it is not the fuzz files' doing, and peaks higher than reading any of them. Its peak RSS in KiB."""
    proc = subprocess.run(["/usr/bin/time", "-v", *cli, "normalize", "-"], input="Kommunalbestyrelsen\n",
                          capture_output=True, text=True, check=True)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return int(match.group(1)) if match else -1


def meeting_words(cli: list[str], meeting_id: str) -> Counter[str]:
    shown = subprocess.run([*cli, "show", "--json", meeting_id], capture_output=True, text=True)
    if shown.returncode != 0:
        return Counter()
    shown_json = json.loads(shown.stdout)
    texts = [*strings(shown_json["items"]), *strings(shown_json["tables"]), *strings(shown_json["toc"]),
             *(p["name"] or "" for p in shown_json["participants"]),  # a scanned front page: only who took part
             *strings(shown_json.get("pages", []))]  # a document of no meeting: its page text
    return Counter(word for text in texts for word in (t.strip(".,;:!?()\"'«»–-") for t in text.lower().split())
                   if WORD.fullmatch(word))


def strings(value: object) -> list[str]:
    """Every string in a JSON value: section texts, titles, table cells (no ids: those are not in the text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("id", "source", "case_number") for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def current_meetings(cli: list[str]) -> dict[str, str]:
    """sha256 -> the meeting a document belongs to now (a later file can make a stand-alone one its copy)."""
    listed = json.loads(subprocess.run([*cli, "meetings", "--json"], capture_output=True, text=True).stdout)
    return {source["sha256"]: m["id"] for m in listed["meetings"] for source in m["sources"]}


def unsearchable(cli: list[str], good: list[Path]) -> tuple[list[str], dict[str, int]]:
    """Good files whose meeting is not found by its own word: one no other good file's meeting has where there
    is one (else the one fewest others have; a scan of some pages of another file has none of its own), and
    among those the most frequent in it (a real term, not a stray OCR error)."""
    of_sha = current_meetings(cli)
    ids = {p.name: of_sha.get(hashlib.sha256(p.read_bytes()).hexdigest()) for p in good}
    words = {m: meeting_words(cli, m) for m in set(ids.values()) if m}
    missing, kinds = [], {"unique": 0, "shared": 0}
    found: dict[str, tuple[str, bool]] = {}
    for name, meeting_id in sorted(ids.items()):
        own = words.get(meeting_id, Counter()) if meeting_id else Counter()
        if not own:
            missing.append(f"{name}: {'not stored' if meeting_id is None else 'no text'}")
            continue
        if meeting_id not in found:
            others = Counter(w for m, c in words.items() if m != meeting_id for w in c)
            word = min(own, key=lambda w: (others[w], -own[w], -len(w), w))
            hits = subprocess.run([*cli, "search", "--json", "--limit", "1000", word], capture_output=True, text=True)
            ok = hits.returncode == 0 and meeting_id in {h["meeting_id"] for h in json.loads(hits.stdout)["hits"]}
            found[meeting_id] = (f"'{word}' (in {others[word]} other good meetings)" if ok else
                                 f"'{word}' does not find {meeting_id}", ok)
            kinds["unique" if others[word] == 0 else "shared"] += 1
        if not found[meeting_id][1]:
            missing.append(f"{name}: {found[meeting_id][0]}")
    return missing, {**kinds, "meetings": len(found)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/moedearkiv-fuzz"))
    parser.add_argument("--reuse", action="store_true", help="check the data folder of an earlier run again")
    args = parser.parse_args()
    home = args.work / "home"
    cli = [sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home)]
    started = time.monotonic()
    if args.reuse:
        files = sorted((args.work / "in").glob("*.pdf"))
        lines = (args.work / "ingest.jsonl").read_text(encoding="utf-8").splitlines()
        timed = [Timed(r, r.pop("wall_s"), r.pop("cpu_s")) for r in map(json.loads, lines)]
        stderr, code = (args.work / "ingest.stderr").read_text(encoding="utf-8"), -1
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        rss_kb, lexicon_kb = int(match.group(1)) if match else -1, -1
    else:
        shutil.rmtree(args.work, ignore_errors=True)
        files = make(args.work / "in", args.count, args.seed)
        lexicon_kb = build_lexicon(cli) if Path("/usr/bin/time").exists() else -1
        timed, stderr, code, rss_kb = run_ingest(cli, args.work / "in")
    results = [t.result for t in timed]
    internal = [r for r in results if r["error"] and "internal error" in r["error"]]
    good = [p for p in files if p.name.endswith(GOOD)]
    by_name = {Path(r["path"]).name: r for r in results}
    not_ingested = [p.name for p in good if by_name.get(p.name, {}).get("status") not in ("ingested", "skipped")]
    missing, checked = unsearchable(cli, good)
    slow_wall = max(timed, key=lambda t: t.wall, default=Timed({"path": ""}, 0.0, 0.0))
    slow_cpu = max(timed, key=lambda t: t.cpu, default=Timed({"path": ""}, 0.0, 0.0))
    statuses = {s: sum(r["status"] == s for r in results) for s in ("ingested", "skipped", "failed")}
    print(json.dumps({
        "files": len(files), "results": len(results), "exit_code": code, **statuses,
        "internal_errors": len(internal), "tracebacks_on_stderr": stderr.count("Traceback"),
        "good_files": len(good), "good_not_ingested": not_ingested, "good_not_searchable": missing,
        "good_meetings_searched": checked, "peak_rss_mb": round(rss_kb / 1024),
        "lexicon_build_peak_rss_mb": round(lexicon_kb / 1024),
        "slowest_file_wall_s": round(slow_wall.wall, 1), "its_cpu_s": round(slow_wall.cpu, 1),
        "slowest_file": Path(slow_wall.result["path"]).name, "most_cpu_s": round(slow_cpu.cpu, 1),
        "most_cpu_file": Path(slow_cpu.result["path"]).name,
        "files_over_120s_wall": sum(t.wall > MAX_FILE_SECONDS for t in timed),
        "check_s": round(time.monotonic() - started, 1),
        "load_average": os.getloadavg(), "internal": [r["error"][:300] for r in internal],
    }, ensure_ascii=False, indent=1))
    ok = (not internal and "Traceback" not in stderr and not not_ingested and not missing and 0 <= rss_kb <= MAX_RSS_KB
          and slow_cpu.cpu <= MAX_FILE_SECONDS and len(results) == len(files))  # CPU: under load wall is waiting
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
