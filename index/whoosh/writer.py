"""Whoosh's SegmentWriter without a `stat` per posting: the same segment bytes, written faster.

Before it writes a segment's postings, Whoosh reads back each document's field lengths (BM25's block
statistics). Its length reader caches the column of a field it finds but not the absence of one, so every
posting of a field that keeps no lengths (the ID fields: key, meeting_id, kind, section ...) checks again
whether that column's file exists: about 215,000 `stat` calls for the 2,600-page bench batch. This reader
remembers the absence as well, and reads a field's lengths (a byte a document) into an array once, where
Whoosh decoded the byte again from the file for each of a document's terms: 314,000 reads for that batch,
a seventh of its segments' build time.
"""
from __future__ import annotations

from typing import Any

from whoosh import writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length


class _LengthsReader(W3PerDocReader):
    def __init__(self, storage: Any, segment: Any) -> None:  # noqa: ANN401 - Whoosh's storage and segment
        super().__init__(storage, segment)
        self._loaded_lengths: dict[str, Any] = {}  # field -> its lengths as array('B'), None: the field keeps none

    def _cached_reader(self, fieldname: str, column: Any) -> Any:  # noqa: ANN401 - Whoosh's column reader
        if fieldname not in self._readers:
            self._readers[fieldname] = super()._cached_reader(fieldname, column)  # None when there is no column
        return self._readers[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        """As W3PerDocReader's (None for a document without the field), from the field's loaded lengths."""
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        if fieldname not in self._loaded_lengths:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._loaded_lengths[fieldname] = None if reader is None else reader.load()
        lengths = self._loaded_lengths[fieldname]
        if lengths is None:
            return default
        lbyte = lengths[docnum] if docnum < len(lengths) else 0
        return byte_to_length(lbyte) if lbyte else None


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
