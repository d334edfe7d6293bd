"""The on-disk Whoosh index: open/create, add a meeting's sections, delete, clear, search.

The database is the source of truth; this index can always be rebuilt from it (clear + add per meeting).
"""
from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from index.analysis import damaged_words
from index.documents import SectionDoc
from index.model import ClosesOnExit, SearchFilters, SearchResult
from index.query import paging
from index.records import RecordDelta, merged_records
from index.versioning import SCHEMA_VERSION, VERSION_FILE, creation_lock, read_version, version_error, write_version
from index.whoosh.schema import build_schema, to_fields
from index.whoosh.search import FacetColumns, run_search

if TYPE_CHECKING:
    from whoosh.writing import SegmentWriter

    from index.whoosh.segments import BuiltSegment

ENGINE = "whoosh"

class SearchIndex(ClosesOnExit):
    """A full-text index of meeting sections. One writer and one commit per `add` call."""

    def __init__(self, path: Path, ix: whoosh_index.Index, writer_mb: int = 256) -> None:
        self.path = path
        self._ix = ix
        self._writer_mb = writer_mb
        self._searcher: Searcher | None = None
        self._columns: FacetColumns | None = None

    @classmethod
    def open(cls, path: Path, writer_mb: int = 256) -> SearchIndex:
        """Open the index at `path`, creating it (and the folder) if missing."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with creation_lock(path):
            found = read_version(path)
            exists = whoosh_index.exists_in(str(path))
            if found is None and not exists:
                return cls(path, _create(path), writer_mb)
        if found != (ENGINE, SCHEMA_VERSION) or not exists:  # another engine's folder, or another version
            raise version_error(str(path), found, ENGINE)
        return cls(path, whoosh_index.open_dir(str(path)), writer_mb)

    def replace_meeting(self, meeting_id: str, docs: Iterable[SectionDoc]) -> int:
        """Make the index hold exactly `docs` for this meeting (none at all if `docs` is empty).

        Only records that changed are rewritten (by content key, index/records.py): a document joining a
        meeting adds its own sections and the few whose sources changed, not the whole meeting again, and a
        meeting that did not change costs no commit. Returns the number of records the meeting holds."""
        docs = list(docs)
        if any(doc.meeting_id != meeting_id for doc in docs):  # not one meeting's records: rewrite them all
            return self._write(docs, also_delete=(meeting_id,))
        delta = RecordDelta.between(self._indexed_keys(meeting_id), docs)
        if not delta.gone and not delta.added:
            return delta.total
        writer = self._writer()
        try:
            for key in delta.gone:
                writer.delete_by_term("key", key)
            for key, doc in delta.added:
                writer.add_document(**to_fields(doc, damaged_words(doc.raw_text, doc.text), key))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._invalidate()
        return delta.total

    def _indexed_keys(self, meeting_id: str) -> list[str]:
        """The content keys of the records the index holds for the meeting."""
        searcher = self._get_searcher()
        return [searcher.stored_fields(n)["key"] for n in searcher.document_numbers(meeting_id=meeting_id)]

    def add(self, docs: Iterable[SectionDoc]) -> int:
        """Index sections, replacing every section already indexed for the meetings they belong to.

        Returns the number of sections written. Meant to be called with one whole meeting (or many, for a
        bulk rebuild): a meeting re-parsed into fewer sections leaves nothing stale behind.
        """
        return self._write(docs, also_delete=())

    def _write(self, docs: Iterable[SectionDoc], also_delete: tuple[str, ...]) -> int:
        writer = self._writer()
        seen: set[str] = set(also_delete)
        count = 0
        try:
            for meeting_id in also_delete:
                writer.delete_by_term("meeting_id", meeting_id)
            for doc in merged_records(docs):
                if doc.meeting_id not in seen:
                    seen.add(doc.meeting_id)
                    writer.delete_by_term("meeting_id", doc.meeting_id)
                writer.add_document(**to_fields(doc, damaged_words(doc.raw_text, doc.text)))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._invalidate()
        return count

    def add_segment(self, built: BuiltSegment, meetings: Iterable[str]) -> int:
        """Commit a segment made by index/whoosh/segments.py, replacing everything indexed for `meetings` (those
        its records belong to, and any to delete): what `add` of the same records, then `delete_meeting` of the
        others, leaves. Merges of small segments as `add` would make them."""
        from index.whoosh.segments import merges_small_segments

        writer = self._writer()
        try:
            for meeting_id in meetings:
                writer.delete_by_term("meeting_id", meeting_id)
            if merges_small_segments(writer):  # rare: ours joins the merge, as `add`'s documents would
                with SegmentReader(FileStorage(built.folder), writer.schema, built.segment) as reader:
                    writer.add_reader(reader)
                final = [*writer._merge_segments(None, None, None), writer._finalize_segment()]  # noqa: SLF001
            else:
                for file in built.files():
                    shutil.move(file, self.path / file.name)
                final = [*writer.segments, built.segment]
                writer._close_segment()  # noqa: SLF001
            writer._commit_toc(final)  # noqa: SLF001
            writer._finish()  # noqa: SLF001
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        finally:
            built.drop()
        self._invalidate()
        return built.count

    def _writer(self) -> SegmentWriter:
        """Imported on the first write: a search never loads the writing code."""
        from index.whoosh.writer import index_writer

        return index_writer(self._ix, self._writer_mb)

    def delete_meeting(self, meeting_id: str) -> None:
        writer = self._writer()
        writer.delete_by_term("meeting_id", meeting_id)
        writer.commit()
        self._invalidate()

    def clear(self) -> None:
        """Empty the index (for a full reindex), also fixing an index of an older schema version."""
        self.close()
        self._ix.close()
        for file in self.path.iterdir():  # only the index's own files: the folder may hold others
            if file.is_file() and (file.name.startswith(("MAIN", "_MAIN")) or file.name == VERSION_FILE):
                file.unlink()
        self._ix = _create(self.path)

    def count(self) -> int:
        return self._get_searcher().doc_count()

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 10,
               per_item: bool = False, sort: str = "relevance", offset: int = 0) -> SearchResult:
        """Search sections (or items, with `per_item`); raises QuerySyntaxError for malformed queries.

        `sort` is relevance, date or -date; `offset` skips that many hits (items with `per_item`)."""
        page = paging(limit, offset, sort)
        searcher = self._get_searcher()
        if self._columns is None:
            self._columns = FacetColumns(searcher)
        return run_search(searcher, self._columns, query, filters or SearchFilters(), page, per_item)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._columns = None

    def _get_searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def _invalidate(self) -> None:
        self.close()


def _create(path: Path) -> whoosh_index.Index:
    ix = whoosh_index.create_in(str(path), build_schema())
    write_version(path, ENGINE)
    return ix
