"""pipeline/cleanup.py reads /proc while other processes come and go: a process that ends mid-scan is skipped."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipeline.cleanup import _children, _working_in


def test_the_process_scans_survive_processes_ending_while_they_look(tmp_path: Path) -> None:
    """The scans name the right processes while others end all the time. (What CI hit, `db upgrade` failing with
    'ProcessLookupError: /proc/13001/cmdline', was Path.glob's own stat of a pid's file, which raises ESRCH when
    the process ends in between, outside the guard; that window is too narrow to hit on purpose, so this test
    guards the scans' answers, and the code no longer globs.)"""
    stop = threading.Event()

    def churn() -> None:  # short-lived processes, ending all the time
        while not stop.is_set():
            subprocess.run(["true"], check=False)

    churners = [threading.Thread(target=churn, daemon=True) for _ in range(4)]
    for thread in churners:
        thread.start()
    marker = tmp_path / "marker"
    started = "import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); time.sleep(60)"
    sleeper = subprocess.Popen([sys.executable, "-c", started, str(marker)])
    try:
        # Popen returns once exec has begun, but the new program's cmdline is empty until the kernel has set up its
        # arguments: under load that window is long enough to scan in (CI hit it). Scan once the sleeper runs.
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.exists()
        for _ in range(150):
            assert _working_in(tmp_path) == [sleeper.pid]
            assert sleeper.pid in _children(os.getpid())
    finally:
        stop.set()
        sleeper.kill()
        sleeper.wait()
        for thread in churners:
            thread.join()
