"""Whoosh's SegmentWriter without a `stat` per posting or a Token per word: the same segment bytes, faster.

Before it writes a segment's postings, Whoosh reads back each document's field lengths (BM25's block
statistics). Its length reader caches the column of a field it finds but not the absence of one, so every
posting of a field that keeps no lengths (the ID fields: key, meeting_id, kind, section ...) checks again
whether that column's file exists: about 215,000 `stat` calls for the 2,600-page bench batch. This reader
remembers the absence as well, and reads a field's lengths (a byte a document) into an array once, where
Whoosh decoded the byte again from the file for each of a document's terms: 314,000 reads for that batch,
a seventh of its segments' build time.

A text field analysed by our DanishTokenizer gets its postings straight from analysis.index_terms: Whoosh
made a Token for every term, passed it through two generators and summed a boost of 1.0 per occurrence, more
than a third of the analysis time. The postings (term, frequency, weight, encoded positions) are the ones
Whoosh's Positions and Frequency formats make, and they go into Whoosh's posting pool a document at a time.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from whoosh import formats, writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.compat import dumps
from whoosh.index import Index
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length

from index.analysis import index_terms

Posting = tuple[bytes, int, float, bytes]  # term, frequency, weight, value: what a Whoosh field's `index` yields
POSTING_BYTES = 150  # PostingPool.add's size of a posting's tuple, fieldname, text, docnum, weight and value


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


def _term_positions(value: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for pos, keys in index_terms(value):
        for key in keys:
            poses = found.get(key)
            if poses is None:
                found[key] = [pos]
            else:
                poses.append(pos)
    return found


def _with_positions(value: str, boost: float) -> list[Posting]:
    """formats.Positions.word_values over DanishTokenizer's tokens: positions as pickled deltas."""
    out = []
    for term, poses in _term_positions(value).items():
        deltas = [poses[0], *(b - a for a, b in itertools.pairwise(poses))]
        out.append((term.encode("utf-8"), len(poses), len(poses) * boost, pack_uint(len(poses)) + dumps(deltas, 2)))
    return out


def _with_frequency(value: str, boost: float) -> list[Posting]:
    """formats.Frequency.word_values over DanishTokenizer's tokens."""
    return [(term.encode("utf-8"), len(poses), len(poses) * boost, pack_uint(len(poses)))
            for term, poses in _term_positions(value).items()]


def _direct_index(field: Any) -> Callable[[Any], Iterable[Posting]] | None:  # noqa: ANN401 - a Whoosh field
    """The field's postings without Whoosh's Token stream, for a Danish text field; None for other fields."""
    from index.whoosh.schema import DanishTokenizer

    if not isinstance(getattr(field, "analyzer", None), DanishTokenizer) or field.vector or \
            field.separate_spelling():
        return None
    form, boost = field.format, float(field.format.field_boost)
    if type(form) is formats.Positions:
        return lambda value: _with_positions(value, boost) if isinstance(value, str) else field.index(value)
    if type(form) is formats.Frequency:
        return lambda value: _with_frequency(value, boost) if isinstance(value, str) else field.index(value)
    return None


class SegmentWriter(writing.SegmentWriter):
    def __init__(self, ix: Index, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(ix, **kwargs)
        self._plain = any(field.vector or field.separate_spelling() for _, field in self.schema.items())
        self._index = {name: _direct_index(field) or field.index for name, field in self.schema.items()}

    def add_document(self, **fields: Any) -> None:  # noqa: ANN401
        """Whoosh's add_document (writing.SegmentWriter), with the Danish text fields' postings made directly
        and a document's postings pooled together once it is analysed."""
        if self._plain:  # term vectors or a spelling field: Whoosh's own
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        postings: list[tuple[str, bytes, int, float, bytes]] = []
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in self._index[fieldname](value):
                        if scorable:
                            length += freq
                        postings.append((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        self._pool_postings(postings)
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _pool_postings(self, postings: list[tuple[str, bytes, int, float, bytes]]) -> None:
        """PostingPool.add for a document's postings at once: the same size accounting, a run saved when full."""
        pool = self.pool
        pool.fieldnames.update({posting[0] for posting in postings})
        pool.currentsize += sum(POSTING_BYTES + len(p[0]) + 2 * len(p[1]) + len(p[4] or b"") for p in postings)
        pool.current.extend(postings)
        if pool.currentsize > pool.limit:
            pool.save()

    def per_document_reader(self) -> Any:  # noqa: ANN401
        reader = super().per_document_reader()
        if type(reader) is not W3PerDocReader:  # another codec: left as it is
            return reader
        reader.close()
        return _LengthsReader(self.storage, self.get_segment())


def index_writer(ix: Index, limitmb: int) -> SegmentWriter:
    """What `ix.writer(limitmb=...)` returns, with the cached length look-ups."""
    return SegmentWriter(ix, limitmb=limitmb)
