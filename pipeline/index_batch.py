"""Index writes of many documents in one commit: what a parallel ingest's parent saves most on.

A Whoosh or Tantivy commit costs about as much for one document as for twenty (the segment's postings are
written and small segments merged), so during a batch the meetings' index records are kept here and
written together every `max_docs` documents or `max_seconds`. Issue 10's rule holds: the database commits
first, per document, as before; before a meeting's records are held back, an 'index pending' marker names
it (owned by this process, so our own next store does not redo it), and the marker is removed only after
the index commit. If the process dies in between, the next writer re-indexes those meetings from the
database. A later write of the same meeting replaces the held one, as `replace_meeting` would.
The postgres engine writes inside the database transaction and is never batched.

In a pool (pipeline/pool.py) the Whoosh records of a flush are analysed and written as a segment by a pool
worker (index/whoosh/segments.py) while the parent goes on storing documents; the parent commits that segment
at the next flush (or at the end), so the index lags one more batch behind the database, markers kept until
then. A segment that cannot be built there (a worker died) is written by the parent as before. The last flush
has nothing left to overlap with, so its records are split by meeting into one segment per worker (`parts`),
handed to the workers at once (beside the segment still being built, whose worker was the only busy one) and
committed in order after it: the same documents in the same order as one segment (a plain `add`),
in half the wall time on two cores; a parent that wrote them itself spent 0.4 of a 5-file ingest's 2.2 s there.
"""
from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from index.documents import SectionDoc
from pipeline.errors import Interrupted
from pipeline.lock import writer_lock
from storage import pending

if TYPE_CHECKING:
    from index import TextIndex
    from index.whoosh.segments import BuiltSegment
    from pipeline.ingest import Services

log = logging.getLogger(__name__)


SegmentBuilder = Callable[[list[SectionDoc]], "Future[BuiltSegment]"]
"""Builds the records' Whoosh segment elsewhere (a pool worker: pipeline/pool.py DocumentPool.build_segment)."""


@dataclass(frozen=True, slots=True)
class _Building:
    future: Future[BuiltSegment]
    held: dict[str, list[SectionDoc]]  # meeting -> its records ([]: deleted), as the flush found them
    markers: list[pending.Pending]


class BatchedIndex:
    """Stands in for the index during a batch: holds replace/delete writes until `flush`."""

    def __init__(self, index: TextIndex, services: Services, max_docs: int = 20, max_seconds: float = 30.0,
                 builder: SegmentBuilder | None = None, parts: int = 1) -> None:
        self.inner = index
        self._services = services
        self.max_docs = max_docs
        self.max_seconds = max_seconds
        self._held: dict[str, list[SectionDoc]] = {}
        self._markers: list[pending.Pending] = []
        self._builder = builder if hasattr(index, "add_segment") else None
        self._building: _Building | None = None
        self._parts = max(1, parts)  # segments the last flush is split into (the builder's workers)
        self._documents = 0
        self._since = time.monotonic()
        self._owner = pending.process_owner()

    @property
    def path(self) -> Any:  # noqa: ANN401 - whatever the engine's path is
        return self.inner.path

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - search, count, close ... of the engine itself
        return getattr(self.inner, name)

    def replace_meeting(self, meeting_id: str, docs: Iterable[SectionDoc]) -> int:
        held = list(docs)
        self._hold(meeting_id, held)
        return len(held)

    def delete_meeting(self, meeting_id: str) -> None:
        self._hold(meeting_id, [])

    def _hold(self, meeting_id: str, docs: list[SectionDoc]) -> None:
        if meeting_id not in self._held:
            self._markers.append(pending.mark(self._services.settings.home, [meeting_id], owner=self._owner))
        self._held[meeting_id] = docs

    def document_done(self) -> None:
        """One more document stored: commit the held writes when enough are waiting or enough time passed."""
        self._documents += 1
        if self._documents >= self.max_docs or time.monotonic() - self._since >= self.max_seconds:
            self.flush()

    def flush(self, last: bool = False) -> None:
        """One commit for every held meeting (deleted ones after), then their markers go. With a segment
        builder the segment being built commits first and the held records become the next one (`last`: the
        end of the batch, nothing built any more)."""
        if self._services._index is not self:  # noqa: SLF001 - a full reindex meanwhile read the database
            self._held.clear()
            self._drop_building()
        written = _records(self._held)
        if written and self._builder is not None and last and self._parts > 1 and len(self._held) > 1:
            split = self._start_split()  # built beside the segment still being built: the workers are free
            self._commit_building()
            self._commit_split(split)
            self._reset()
            return
        self._commit_building()
        if written and self._builder is not None and not last:
            self._building = _Building(self._builder(written), self._held, self._markers)
            self._reset()
            return
        if self._held:
            with self._write_lock():
                self._write_here(self._held)
            for marker in self._markers:
                pending.clear(marker)
        self._reset()

    def _start_split(self) -> list[tuple[dict[str, list[SectionDoc]], Future[BuiltSegment] | None]]:
        """The held meetings in up to `parts` runs of about equal records, each handed to the builder at once
        (None for a run of deletions only)."""
        assert self._builder is not None
        runs = [(run, _records(run)) for run in split_runs(self._held, self._parts)]
        return [(run, self._builder(docs) if docs else None) for run, docs in runs]

    def _commit_split(self, building: list[tuple[dict[str, list[SectionDoc]], Future[BuiltSegment] | None]]) -> None:
        """The split's segments committed in order (a run of deletions only is written here); the markers go
        after."""
        for run, future in building:
            if future is None:
                with self._write_lock():
                    self._write_here(run)
                continue
            self._building = _Building(future, run, [])
            self._commit_building()  # a failed build is written here
        for marker in self._markers:
            pending.clear(marker)

    def _write_lock(self) -> contextlib.AbstractContextManager[None]:
        """The data folder's write lock, which every index write of the batch holds."""
        settings = self._services.settings
        return writer_lock(settings.home, settings.lock_timeout)

    def _write_here(self, held: dict[str, list[SectionDoc]]) -> None:
        """`held` written by this process (under the write lock): its records in one add, which replaces every
        meeting it holds records of; then the meetings left without records deleted."""
        written = _records(held)
        if written:
            self.inner.add(written)
        for meeting_id, docs in held.items():
            if not docs:
                self.inner.delete_meeting(meeting_id)

    def _reset(self) -> None:
        self._held = {}
        self._markers = []
        self._documents = 0
        self._since = time.monotonic()

    def _commit_building(self) -> None:
        """The segment a worker was building, committed with its meetings' deletions; its markers go."""
        building, self._building = self._building, None
        if building is None:
            return
        try:
            built = building.future.result()
        except Exception:  # noqa: BLE001 - a worker that died or failed: the parent writes the records itself
            log.warning("index segment not built in a worker; writing it here", exc_info=True)
            built = None
        with self._write_lock():
            if built is None:
                self._write_here(building.held)
            else:
                self.inner.add_segment(built, list(building.held))  # type: ignore[attr-defined]
        for marker in building.markers:
            pending.clear(marker)

    def _drop_building(self) -> None:
        building, self._building = self._building, None
        if building is not None:
            with contextlib.suppress(Exception):
                building.future.result().drop()


def _records(held: dict[str, list[SectionDoc]]) -> list[SectionDoc]:
    return [doc for docs in held.values() for doc in docs]


def split_runs(held: dict[str, list[SectionDoc]], parts: int) -> list[dict[str, list[SectionDoc]]]:
    """`held` cut into at most `parts` consecutive runs of whole meetings with about equal numbers of records
    (a meeting's records stay together: a segment replaces whole meetings)."""
    total = sum(len(docs) for docs in held.values())
    runs: list[dict[str, list[SectionDoc]]] = [{}]
    done = 0
    for meeting_id, docs in held.items():
        if runs[-1] and len(runs) < parts and done + len(docs) / 2 > total * len(runs) / parts:
            runs.append({})
        runs[-1][meeting_id] = docs
        done += len(docs)
    return runs


@contextlib.contextmanager
def batched(services: Services, builder: SegmentBuilder | None = None,
            **limits: float) -> Iterator[BatchedIndex | None]:
    """Services.index batched for the block (flushed at its end; on an error the markers stay and the next
    writer redoes them); None for an engine that writes inside the database transaction."""
    index = services.index
    if getattr(index, "joined", None) is not None:
        yield None
        return
    batch = BatchedIndex(index, services, builder=builder, **limits)  # type: ignore[arg-type]
    services._index = batch  # type: ignore[assignment]  # noqa: SLF001 - the one place that swaps it
    try:
        yield batch
    except (KeyboardInterrupt, Interrupted):
        raise  # the markers stay: the next writer re-indexes those meetings from the database
    except BaseException:
        with contextlib.suppress(Exception):
            batch.flush(last=True)
        raise
    else:
        batch.flush(last=True)
    finally:
        if services._index is batch:  # noqa: SLF001 - a reindex meanwhile put a fresh index there
            services._index = index  # noqa: SLF001
