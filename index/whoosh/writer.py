"""Whoosh's SegmentWriter without a `stat` per posting: the same segment bytes, written faster.

Before it writes a segment's postings, Whoosh reads back each document's field lengths (BM25's block
statistics). Its length reader caches the column of a field it finds but not the absence of one, so every
posting of a field that keeps no lengths (the ID fields: key, meeting_id, kind, section ...) checks again
whether that column's file exists: about 215,000 `stat` calls for the 2,600-page bench batch. This reader
remembers the absence as well.
"""
from __future__ import annotations

from typing import Any

from whoosh import writing
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.index import Index


class _LengthsReader(W3PerDocReader):
    def _cached_reader(self, fieldname: str, column: Any) -> Any:  # noqa: ANN401 - Whoosh's column reader
        if fieldname not in self._readers:
            self._readers[fieldname] = super()._cached_reader(fieldname, column)  # None when there is no column
        return self._readers[fieldname]


class SegmentWriter(writing.SegmentWriter):
    def per_document_reader(self) -> Any:  # noqa: ANN401
        reader = super().per_document_reader()
        if type(reader) is not W3PerDocReader:  # another codec: left as it is
            return reader
        reader.close()
        return _LengthsReader(self.storage, self.get_segment())


def index_writer(ix: Index, limitmb: int) -> SegmentWriter:
    """What `ix.writer(limitmb=...)` returns, with the cached length look-ups."""
    return SegmentWriter(ix, limitmb=limitmb)
