"""The acceptance archive of issue 9: every PDF under fixtures/ and ../shared/corpus/real in one data folder,
its `meetings --json` compared file by file with the meetings counted by hand (hand_count.json beside this file).

    .venv/bin/python tests/data/meeting/acceptance_archive.py [--home DIR] [--corpus DIR] [--files NAME ...]

hand_count.json holds, per file name, what a reader finds in the file's first pages (`pdftotext -l 2`, or the
page image of a scan): the real meeting it belongs to (body and date, written as the reader would, or null for
a document of no meeting) and the roles it may have there. The check is about grouping, not about ids: files of
one hand-counted meeting must share one archive meeting, files of different ones must not, and each file's role
(and item number, where given) must be one the hand count allows. Exit 1 when any file disagrees.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
HAND_COUNT = HERE / "hand_count.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


@dataclass(frozen=True, slots=True)
class Filed:
    """Where the archive put one file."""

    meeting_id: str
    role: str
    item_number: str | None


def hand_count() -> dict[str, dict]:
    return json.loads(HAND_COUNT.read_text(encoding="utf-8"))["files"]


def filed(meetings: list[dict]) -> dict[str, Filed]:
    """File name -> where `meetings --json` lists it (the same bytes under two paths are one document)."""
    out = {}
    for meeting in meetings:
        for source in meeting["sources"]:
            out[source["filename"]] = Filed(meeting["id"], source["role"], source.get("item_number"))
    return out


def compare(meetings: list[dict], expected: dict[str, dict], failed: set[str]) -> list[str]:
    """Every disagreement between the archive and the hand count, one line each (empty when they agree)."""
    problems = []
    where = filed(meetings)
    by_hand: dict[str, set[str]] = defaultdict(set)  # hand-counted meeting -> archive meeting ids of its files
    for name, want in sorted(expected.items()):
        if want.get("failed"):
            if name not in failed:
                problems.append(f"{name}: should fail to ingest")
            continue
        got = where.get(name)
        if got is None:
            problems.append(f"{name}: not in any meeting's sources")
            continue
        if got.role not in want["roles"]:
            problems.append(f"{name}: role {got.role}, hand count says {' or '.join(want['roles'])}")
        if "item" in want and got.role in ("item", "bilag") and got.item_number != want["item"]:
            problems.append(f"{name}: item {got.item_number}, hand count says {want['item']}")
        if want["meeting"] is None:
            others = [n for n, f in where.items() if f.meeting_id == got.meeting_id and n != name]
            if others:
                problems.append(f"{name}: a document of no meeting, filed with {', '.join(sorted(others))}")
        else:
            by_hand[want["meeting"]].add(got.meeting_id)
    for meeting, ids in sorted(by_hand.items()):
        if len(ids) > 1:
            problems.append(f"{meeting}: split over {', '.join(sorted(ids))}")
    owners: dict[str, set[str]] = defaultdict(set)
    for meeting, ids in by_hand.items():
        for meeting_id in ids:
            owners[meeting_id].add(meeting)
    for meeting_id, hand in sorted(owners.items()):
        if len(hand) > 1:
            problems.append(f"{meeting_id}: holds {' and '.join(sorted(hand))}")
    return problems


def table(meetings: list[dict], expected: dict[str, dict]) -> str:
    """The file-by-file table of the note: hand count next to the archive."""
    where = filed(meetings)
    lines = ["| file | by hand: meeting | by hand: role | archive: meeting | archive: role |", "|---|---|---|---|---|"]
    for name, want in sorted(expected.items(), key=lambda kv: (kv[1].get("meeting") or "~", kv[0])):
        got = where.get(name)
        hand_role = "failed" if want.get("failed") else "/".join(want["roles"]) + (
            f" {want['item']}" if "item" in want else "")
        archive = (got.meeting_id, got.role + (f" {got.item_number}" if got.item_number else "")) if got else ("-", "-")
        lines.append(f"| {name} | {want.get('meeting') or '-'} | {hand_role} | {archive[0]} | {archive[1]} |")
    return "\n".join(lines)


def moedearkiv(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    env.pop("MOEDEARKIV_DB", None)
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home), *args],
                          capture_output=True, text=True, env=env, cwd=str(ROOT), check=False)


def build(home: Path, paths: list[Path]) -> tuple[list[dict], set[str]]:
    """Ingest `paths` into `home`; returns (`meetings --json`'s list, names of the files that failed)."""
    proc = moedearkiv(home, "ingest", "--json", *map(str, paths))
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    failed = {Path(r["path"]).name for r in map(json.loads, proc.stdout.splitlines()) if r["status"] == "failed"}
    listing = moedearkiv(home, "meetings", "--json")
    if listing.returncode != 0:
        raise SystemExit(f"meetings --json failed:\n{listing.stderr[-3000:]}")
    return json.loads(listing.stdout)["meetings"], failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="data folder to build (default: a new temporary one)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--table", action="store_true", help="print the file-by-file table (markdown)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no such folder (give the real corpus with --corpus)")
    with tempfile.TemporaryDirectory(prefix="acceptance-") as tmp:
        home = args.home or Path(tmp)
        meetings, failed = build(home, [ROOT / "fixtures", args.corpus])
    expected = hand_count()
    if args.table:
        print(table(meetings, expected))
    unknown = sorted(set(filed(meetings)) - set(expected))
    problems = compare(meetings, expected, failed) + [f"{n}: not in the hand count" for n in unknown]
    real = {w["meeting"] for w in expected.values() if w.get("meeting")}
    print(f"{len(meetings)} archive records ({len([m for m in meetings if m['kind'] != 'andet'])} not 'andet'); "
          f"{len(real)} meetings counted by hand; {len(problems)} disagreements")
    for line in problems:
        print(f"  {line}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
