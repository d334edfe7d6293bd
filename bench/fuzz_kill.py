"""kill -9 of an ingest during OCR, N times: no Tesseract left, no temporary folder left, archive as a reference.

    .venv/bin/python bench/fuzz_kill.py [--times 10] [--work /tmp/moedearkiv-kill]

A reference archive is built from the inputs without interruption. Then, N times on a second data folder: an
ingest is started, killed with SIGKILL as soon as it has a Tesseract child, and checked: within two seconds
no process is working in its temporary folder (the watchdog kills them) and after the re-run of the next
round no `moedearkiv-ocr-<pid>` folder of a dead process is left. Finally the killed archive is ingested to
the end and its stats and exports compared with the reference. Exit 1 on any difference.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [ROOT / "fixtures" / "pdf" / "000.pdf", ROOT / "fixtures" / "pdf" / "003-scan-p1-4.pdf",
          ROOT / "fixtures" / "real" / "dk_ballerup_bygningsliste_SCANNED_p1-2.pdf"]


def cli(home: Path) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "--quiet", "--home", str(home)]


def _pids() -> list[int]:
    """/proc listed once (Path.glob looks into each pid's folder itself and raises when one ends meanwhile)."""
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def tesseract_children(parent: int) -> list[int]:
    """Tesseract processes anywhere below `parent` (under a pool worker, with --workers N, they are grandchildren)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for pid in _pids():
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        parents[pid] = int(text.rsplit(")", 1)[1].split()[1])
        names[pid] = text.split("(", 1)[1].rsplit(")", 1)[0]

    def below(pid: int) -> bool:
        for _ in range(8):  # a few generations: ingest -> worker -> tesseract
            pid = parents.get(pid, 0)
            if pid == parent:
                return True
            if pid <= 1:
                return False
        return False

    return [pid for pid, name in names.items() if name == "tesseract" and below(pid)]


def working_in(pid: int) -> list[int]:
    marker = f"moedearkiv-ocr-{pid}".encode()
    out = []
    for pid in _pids():
        try:
            if marker in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(pid)
        except OSError:
            continue
    return out


def snapshot(home: Path, out: Path) -> tuple[dict, dict]:
    stats = json.loads(subprocess.run([*cli(home), "stats", "--json"], capture_output=True, text=True).stdout)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([*cli(home), "export", "--all", "--out", str(out)], capture_output=True, check=True)
    exports = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
    return stats, exports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/moedearkiv-kill"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    reference, killed = args.work / "reference", args.work / "killed"
    subprocess.run([*cli(reference), "ingest", *map(str, INPUTS)], check=True, capture_output=True)
    problems: list[str] = []
    kills = 0
    for round_ in range(args.times):
        proc = subprocess.Popen([*cli(killed), "ingest", *map(str, INPUTS)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while not tesseract_children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if proc.poll() is not None:
            print(f"round {round_}: finished before OCR (exit {proc.returncode})", file=sys.stderr)
            shutil.rmtree(killed)  # start again from scratch so the next round has OCR to do
            continue
        time.sleep(0.3 * (round_ % 4))  # at different moments of the OCR
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        time.sleep(2)
        if working_in(proc.pid):
            problems.append(f"round {round_}: processes still working for {proc.pid}: {working_in(proc.pid)}")
        print(f"round {round_}: killed {proc.pid} during OCR", file=sys.stderr)
    subprocess.run([*cli(killed), "ingest", *map(str, INPUTS)], capture_output=True)  # the re-run
    stale = [p.name for p in Path(tempfile.gettempdir()).glob("moedearkiv-ocr-*")
             if p.name.removeprefix("moedearkiv-ocr-").isdigit()
             and not Path(f"/proc/{p.name.removeprefix('moedearkiv-ocr-')}").exists()]
    if stale:
        problems.append(f"stale temporary folders: {stale}")
    want, got = snapshot(reference, args.work / "e1"), snapshot(killed, args.work / "e2")
    if want[0] != got[0]:
        problems.append(f"stats differ: {want[0]} != {got[0]}")
    strip = lambda e: {k: v for k, v in e.items() if k != "ingested_at"}  # noqa: E731
    if {k: strip(v) for k, v in want[1].items()} != {k: strip(v) for k, v in got[1].items()}:
        problems.append("exports differ")
    print(json.dumps({"kills_during_ocr": kills, "problems": problems, "stats": got[0]}, ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
