"""The OCR timeout counts the child's CPU time, not wall time: a loaded machine must not fail good pages."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid

from pipeline.cpu_watch import CpuWatch, cpu_seconds, find_child


def _marker() -> str:
    return f"cpu-watch-test-{uuid.uuid4().hex}"


def test_a_child_that_waits_is_not_stopped_however_long_it_takes() -> None:
    """1.5 wall seconds of sleeping under a 0.3 CPU s limit: it ends by itself."""
    marker = _marker()
    start = time.perf_counter()
    with CpuWatch(marker, limit=0.3) as watch:
        proc = subprocess.run(["sh", "-c", "sleep 1.5", marker], check=False)
    assert proc.returncode == 0 and not watch.exceeded
    assert time.perf_counter() - start >= 1.5


def test_a_child_that_computes_past_its_limit_is_stopped() -> None:
    marker = _marker()
    start = time.perf_counter()
    with CpuWatch(marker, limit=0.3) as watch:
        proc = subprocess.run([sys.executable, "-c", "while True: pass", marker], check=False, timeout=60)
    assert watch.exceeded and proc.returncode < 0
    assert time.perf_counter() - start < 30


def test_the_child_is_found_by_its_marker_and_its_cpu_time_read() -> None:
    marker = _marker()
    proc = subprocess.Popen([sys.executable, "-c", "import time; sum(range(10**7)); time.sleep(5)", marker])
    try:
        deadline = time.monotonic() + 20
        while find_child(marker) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert find_child(marker) == proc.pid
        assert find_child(_marker()) is None
        used = cpu_seconds(proc.pid)
        assert used is not None and used >= 0
    finally:
        proc.kill()
        proc.wait()
    assert cpu_seconds(proc.pid) is None
