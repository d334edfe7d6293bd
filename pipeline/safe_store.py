"""Storing one processed document safely: under the data folder's write lock, with an 'index pending' marker.

A wrapper around `ingest.store()` (whose body stays as it is): it takes the writer lock, checks again that
no other process stored the same bytes meanwhile, marks the meetings whose index records may change, calls
`store()`, and clears the marker once both the database and the index have committed. If `store()` fails or
the process dies in between, the marker stays and `redo_pending` (run by the next writer before it writes,
and at once after a failure) makes the index agree with the database for those meetings.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.errors import MoedearkivError
from pipeline.indexing import section_docs
from pipeline.lock import writer_lock
from storage import pending

if TYPE_CHECKING:
    from pipeline.ingest import Services
    from pipeline.process import ProcessedDocument
    from storage.archive import Change

log = logging.getLogger(__name__)


class AlreadyStored(MoedearkivError):
    """Another process stored the same bytes while we were reading them: nothing to do."""

    def __init__(self, meeting_id: str | None) -> None:
        super().__init__(f"already ingested as {meeting_id}")
        self.meeting_id = meeting_id


def store_once(document: ProcessedDocument, services: Services, store: Callable[..., Change]) -> Change:
    """`store(path, sha256, pages, meeting, services)` under the write lock, marked pending until indexed."""
    settings = services.settings
    archive = services.archive
    with writer_lock(settings.home, settings.lock_timeout):
        redo_pending(services)
        if archive.status_of(document.sha256) == "ingested":
            raise AlreadyStored(archive.meeting_id_of(document.sha256))
        replaced = archive.previous_version(document.path, document.sha256)
        candidates = _new_ids(document, services)
        marker = pending.mark(settings.home, [replaced, *candidates], everything=not candidates)
        try:
            change = store(document.path, document.sha256, list(document.pages), document.meeting, services)
        except BaseException:
            _redo_quietly(services)
            raise
        pending.clear(marker)
        return change


def _new_ids(document: ProcessedDocument, services: Services) -> list[str]:
    """The meetings whose index records this document can change; [] when they can't be known beforehand.

    A document joins the meeting of its body and date, but may also make a stand-alone document a copy or a
    bilag of it (storage/archive.py decides that while rebuilding the group), so the set is known only after
    the rebuild: the marker then covers the whole index, which costs a full reindex only after a crash."""
    return []


def _redo_quietly(services: Services) -> None:
    try:
        redo_pending(services)
    except Exception:  # the marker stays; the next writer redoes it
        log.warning("index pending: will be redone by the next writer", exc_info=True)


def redo_pending(services: Services) -> int:
    """Make the index agree with the database wherever a marker says it may not; returns markers redone."""
    markers = pending.outstanding(services.settings.home)
    if not markers:
        return 0
    with writer_lock(services.settings.home, services.settings.lock_timeout):
        markers = pending.outstanding(services.settings.home)
        if any(m.everything for m in markers):
            from pipeline.ingest import reindex

            log.warning("index pending: rebuilding the whole index from the database")
            reindex(services)
        else:
            for meeting_id in sorted({m for marker in markers for m in marker.meeting_ids}):
                reindex_meeting(services, meeting_id)
        for marker in markers:
            pending.clear(marker)
    return len(markers)


def reindex_meeting(services: Services, meeting_id: str) -> None:
    """The index records of one meeting as the database has it (none if the database has no such meeting)."""
    stored = services.archive.load(meeting_id)
    if stored is None:
        services.index.delete_meeting(meeting_id)
        return
    services.index.replace_meeting(meeting_id, section_docs(stored))
