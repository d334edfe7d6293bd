"""'Index pending' markers: index writes that may not have happened, redone by the next writer.

The database is the source of truth and is written first; before a writer touches either store it leaves
a marker naming the meetings whose index records may change (or 'all', for a rebuild), and removes it
once both commits are done. A marker still there at the next start means the process died or a commit
failed in between: those meetings are re-indexed from the database (or dropped from the index if the
database has no such meeting), so the database and the index cannot drift apart.
Markers are small JSON files in `<home>/index-pending/`, written atomically (temp file + rename).
"""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FOLDER = "index-pending"


@dataclass(frozen=True, slots=True)
class Pending:
    path: Path
    meeting_ids: tuple[str, ...]
    everything: bool  # the whole index (an interrupted reindex, or meetings that could not be named)
    owner: str = ""  # "pid:start time" of a writer that will clear it itself (a batch of index writes)


def process_owner(pid: int | None = None) -> str:
    """This process as a marker's owner: its pid and start time, so a reused pid is not taken for it."""
    pid = pid or os.getpid()
    try:
        started = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""
    return f"{pid}:{started}"


def _owner_alive(owner: str) -> bool:
    return bool(owner) and process_owner(int(owner.split(":")[0])) == owner


def mark(home: Path, meeting_ids: Iterable[str | None] = (), everything: bool = False, owner: str = "") -> Pending:
    folder = home / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    ids = tuple(sorted({m for m in meeting_ids if m}))
    path = folder / f"{uuid.uuid4().hex}.json"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump({"meeting_ids": ids, "everything": everything, "owner": owner}, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return Pending(path=path, meeting_ids=ids, everything=everything, owner=owner)


def clear(marker: Pending) -> None:
    marker.path.unlink(missing_ok=True)


def outstanding(home: Path) -> list[Pending]:
    """Markers left by writers that did not finish; an unreadable marker counts as 'everything'. A marker
    whose owner process is still running is its own business (it commits and clears it), not left over."""
    folder = home / FOLDER
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if _owner_alive(str(data.get("owner") or "")):
                continue
            found.append(Pending(path, tuple(data.get("meeting_ids", ())), bool(data.get("everything"))))
        except (OSError, ValueError, AttributeError):
            found.append(Pending(path, (), True))
    for tmp in folder.glob("*.tmp") if folder.is_dir() else []:
        tmp.unlink(missing_ok=True)  # a marker never finished: nothing was written after it
    return found
