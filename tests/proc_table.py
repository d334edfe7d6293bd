"""The process table from /proc, for tests that check what outlives a command.

/proc is listed once and each pid's files are read under a guard: processes end while we look, and
`Path("/proc").glob("[0-9]*/stat")` raised when one did (it looks into each pid's folder itself).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Process:
    pid: int
    parent: int
    name: str
    state: str
    cmdline: bytes


def processes() -> dict[int, Process]:
    """Every process still there when its files are read."""
    found: dict[int, Process] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            name, rest = stat.split("(", 1)[1].rsplit(")", 1)
            fields = rest.split()
            found[int(entry)] = Process(int(entry), int(fields[1]), name, fields[0], cmdline)
        except (OSError, IndexError, ValueError):
            continue
    return found


def descendants(pid: int, table: dict[int, Process] | None = None) -> set[int]:
    """Children, grandchildren and so on of `pid`."""
    table = processes() if table is None else table
    children: dict[int, list[int]] = {}
    for process in table.values():
        children.setdefault(process.parent, []).append(process.pid)
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
