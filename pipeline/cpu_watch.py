"""A CPU-time limit for a child process we do not start ourselves (pytesseract starts Tesseract).

A wall-clock limit fails good pages on a loaded machine: at a load of 15 on 2 cores a page that needs 1 CPU
second takes 8 wall seconds. So the child is found by a marker in its command line (the image file, which is
unique to the call), its CPU time is read from /proc, and it is killed once over the limit. Where /proc is
missing (not Linux) nothing is watched and only the caller's wall-clock backstop applies.
"""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")
POLL_SECONDS = (0.02, 1.0)  # the child's CPU time is read every limit/50 s within these bounds: often enough to
# stop it within 2% of its limit, seldom enough to cost nothing (every 50 ms cost 0.07 CPU s a page under load)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of process `pid`, or None once it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)


def find_child(marker: str) -> int | None:
    """A child of this process whose command line holds `marker`."""
    me = str(os.getpid())
    try:
        entries = [e for e in os.listdir(PROC) if e.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            stat = (PROC / entry / "stat").read_text()
            if stat[stat.rfind(")") + 2:].split()[1] != me:
                continue
            if marker.encode() in (PROC / entry / "cmdline").read_bytes():
                return int(entry)
        except (OSError, IndexError):
            continue
    return None


class CpuWatch:
    """Kills the child whose command line holds `marker` when it has used more than `limit` CPU seconds;
    `exceeded` tells afterwards whether it did. A context manager around the call that starts the child."""

    def __init__(self, marker: str, limit: float) -> None:
        self.marker, self.limit = marker, limit
        self.exceeded = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="cpu-watch", daemon=True)

    @property
    def watching(self) -> bool:
        return self._thread.is_alive() or self.exceeded

    def __enter__(self) -> CpuWatch:
        if PROC.is_dir():
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        """Reads the child's CPU time every limit/50 s; looks for it (a scan of /proc, ~4 ms) with a wait
        doubling from 20 ms, so a child that is not found (ended, or /proc hides it) costs next to nothing."""
        every = min(max(self.limit / 50, POLL_SECONDS[0]), POLL_SECONDS[1])
        pid: int | None = None
        wait = POLL_SECONDS[0]
        while not self._done.wait(wait):
            pid = pid or find_child(self.marker)
            used = cpu_seconds(pid) if pid else None
            if used is None:  # not started yet, or ended (a later child of the same call is found anew)
                pid, wait = None, min(wait * 2, POLL_SECONDS[1])
                continue
            if used > self.limit:
                self.exceeded = True
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                return
            wait = every
