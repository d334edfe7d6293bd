"""A Whoosh segment built away from the index's own writer: what lets a pool worker do the index's analysis
and postings while the ingesting parent goes on storing documents.

`build_segment` (any process) analyses the records and writes one finished segment into a private folder, as
Whoosh's own multiprocessing writer does in its sub-processes; `SearchIndex.add_segment` (the index's writer,
under the data folder's write lock) then moves its file into the index and commits it with the deletions of
the meetings it replaces. The segment's documents follow the existing ones in the order they were given; when
Whoosh's policy merges small segments (rarely) they are copied into the merged segment first, as a plain `add`
puts them, so the segments, the document numbers (and so ties in ranking) are those of a plain `add`.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import writing

from index.analysis import damaged_words
from index.documents import SectionDoc
from index.records import merged_records
from index.whoosh.schema import build_schema, to_fields
from index.whoosh.writer import index_writer


@dataclass(frozen=True, slots=True)
class BuiltSegment:
    folder: str  # the private folder holding the segment's file (removed when it is added, or dropped)
    segment: Any  # whoosh.codec.whoosh3.W3Segment: picklable, as whoosh.multiproc sends it
    count: int

    def files(self) -> list[Path]:
        prefix = f"{self.segment.segment_id()}."  # MAIN_<id>.seg: the compound file of all its parts
        found = [p for p in Path(self.folder).iterdir() if p.name.startswith(prefix)]
        if not found:
            raise FileNotFoundError(f"no files of segment {prefix} in {self.folder}")
        return found

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def build_segment(docs: list[SectionDoc], writer_mb: int = 256) -> BuiltSegment:
    """The records (as `SearchIndex.add` gets them) as one finished segment in a temporary folder of our own."""
    folder = tempfile.mkdtemp(prefix="moedearkiv-segment-")
    try:
        writer = index_writer(whoosh_index.create_in(folder, build_schema()), writer_mb)
        count = 0
        for doc in merged_records(docs):
            writer.add_document(**to_fields(doc, damaged_words(doc.raw_text, doc.text)))
            count += 1
        segment = writer._finalize_segment()  # noqa: SLF001 - whoosh.multiproc's SubWriterTask does the same
        writer._finish()  # noqa: SLF001
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return BuiltSegment(folder=folder, segment=segment, count=count)


class _MergeProbe:
    """Stands in for a writer while Whoosh's merge policy decides, counting the segments it would merge."""

    def __init__(self, writer: writing.SegmentWriter) -> None:
        self.storage, self.schema, self.merged = writer.storage, writer.schema, 0

    def add_reader(self, _reader: object) -> None:
        self.merged += 1


def merges_small_segments(writer: writing.SegmentWriter) -> bool:
    """Would `writer.commit()` merge small segments (MERGE_SMALL, the policy our writers use)?"""
    probe = _MergeProbe(writer)
    writing.MERGE_SMALL(probe, writer.segments)
    return probe.merged > 0
