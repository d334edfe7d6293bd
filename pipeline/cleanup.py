"""Clean exits: no child process and no temporary folder outlives a command, however it ends.

Every command runs inside `process_guard()`:
- temporary files go to a folder of our own, `<tmp>/moedearkiv-ocr-<pid>` (`tempfile.tempdir`), so whatever
  makes them (Tesseract's page images, pytesseract's files) leaves them where one `rmtree` removes them all;
- at start, such folders of dead processes are swept away (a kill -9 runs no cleanup code);
- SIGTERM is handled as SIGINT (KeyboardInterrupt), and on an interrupt our child processes are killed
  until the command has unwound, so a thread pool cannot start new ones meanwhile;
- for writers, a small watchdog process waits for us to die (EOF on a pipe only we hold) and then kills
  the processes working in our folder and removes it: that covers kill -9 of the parent.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

PREFIX = "moedearkiv-ocr-"
MP_PREFIX = "moedearkiv-mp-"  # the forkserver's socket folder (pipeline/forkserver.py)
_OWNED = re.compile(rf"^(?:{PREFIX}|{MP_PREFIX})(\d+)$")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(root: Path) -> list[Path]:
    """Remove `moedearkiv-ocr-<pid>` (and `moedearkiv-mp-<pid>`) folders under `root` whose owner process is
    dead; returns them."""
    removed = []
    for folder in root.glob("moedearkiv-*"):
        match = _OWNED.match(folder.name)
        if match and folder.is_dir() and not pid_alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def die_with_parent(forked_from: int | None = None) -> None:
    """PR_SET_PDEATHSIG: the kernel kills this process when the one it was forked from dies, even by kill -9
    (Linux only). With `forked_from`, a parent that died before this took effect is found (we were re-parented)
    and this process exits at once, instead of waiting for work that never comes."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    if forked_from is not None and os.getppid() != forked_from:
        os._exit(1)


PROC = Path("/proc")


def _pids() -> list[int]:
    """The pids in /proc, listed once: a process may end while we look, so each one's files are read under a
    guard by the caller. (`Path.glob("[0-9]*/cmdline")` looked into each folder itself and raised
    ProcessLookupError when one vanished meanwhile: `db upgrade` failed with an internal error in CI.)"""
    try:
        return [int(entry) for entry in os.listdir(PROC) if entry.isdigit()]
    except OSError:
        return []


def _children(parent: int) -> list[int]:
    """Pids whose parent is `parent` (from /proc; empty where there is no /proc)."""
    found = []
    for pid in _pids():
        try:
            fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.append(pid)
    return found


def _working_in(folder: Path) -> list[int]:
    """Pids whose command line names a file in `folder` (our Tesseract processes, even once orphaned)."""
    marker = str(folder).encode()
    found = []
    for pid in _pids():
        try:
            if marker in (PROC / str(pid) / "cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _watchdog(folder: Path) -> int | None:
    """Fork a process that outlives a kill -9 of ours just long enough to clean up after it."""
    read_end, write_end = os.pipe()  # not inherited by exec'd children: only we hold the write end
    pid = os.fork()
    if pid:
        os.close(read_end)
        _watchdog.write_end = write_end  # type: ignore[attr-defined]  # kept open until we exit
        return pid
    try:  # the watchdog: no Python cleanup of the parent's state runs here, only os._exit
        os.close(write_end)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.setsid()  # out of the terminal's process group, so a Ctrl-C or a group kill does not end it first
        while os.read(read_end, 1):
            pass
        _kill(_working_in(folder))
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        os._exit(0)


class _ChildKiller(threading.Thread):
    """After an interrupt: kill our children every few milliseconds until the command has unwound."""

    def __init__(self, spare: set[int]) -> None:
        super().__init__(daemon=True)
        self.spare = spare
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            _kill([pid for pid in _children(os.getpid()) if pid not in self.spare])


@contextlib.contextmanager
def process_guard(watch: bool = False) -> Iterator[Path]:
    """Run a command with its own temporary folder; see the module docstring. Yields the folder."""
    root = Path(tempfile.gettempdir())
    sweep_stale(root)
    folder = root / f"{PREFIX}{os.getpid()}"
    folder.mkdir(exist_ok=True)
    previous_tempdir = tempfile.tempdir
    tempfile.tempdir = str(folder)
    watchdog = _watchdog(folder) if watch and Path("/proc").is_dir() else None
    spare = {watchdog} if watchdog else set()
    killer = _ChildKiller(spare)

    def on_signal(_signum: int, _frame: object) -> None:
        if not killer.is_alive():
            killer.start()
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)} if in_main else {}
    try:
        yield folder
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if killer.is_alive():
            killer.done.set()
            killer.join()
        _kill([pid for pid in _working_in(folder)])
        tempfile.tempdir = previous_tempdir
        shutil.rmtree(folder, ignore_errors=True)
        if watchdog:
            os.close(_watchdog.write_end)  # type: ignore[attr-defined]
            with contextlib.suppress(ChildProcessError):
                os.waitpid(watchdog, 0)
