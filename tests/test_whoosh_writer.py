"""index/whoosh/writer.py: the segment our writer makes holds what Whoosh's own writer makes, posting for posting."""
from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import writing

from index.whoosh.schema import build_schema, to_fields
from index.whoosh.writer import index_writer
from tests.seed_sections import seed_docs


def _write(path: Path, make_writer) -> whoosh_index.Index:  # noqa: ANN001
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = make_writer(ix)
    for docs in seed_docs().values():
        for doc in docs:
            writer.add_document(**to_fields(doc, ""))
    writer.commit()
    return ix


def _contents(ix: whoosh_index.Index) -> tuple[list, list, list]:
    with ix.reader() as reader:
        postings = [(field, term, [(m.id(), m.weight(), m.value()) for m in _all(reader.postings(field, term))])
                    for field, term in reader.all_terms()]
        lengths = [(n, field, reader.doc_field_length(n, field)) for n in range(reader.doc_count_all())
                   for field in ix.schema.scorable_names()]
        stored = list(reader.all_stored_fields())
    return postings, lengths, stored


def _all(matcher):  # noqa: ANN001, ANN202
    while matcher.is_active():
        yield matcher
        matcher.next()


def test_our_writer_writes_the_same_postings_lengths_and_stored_fields(tmp_path: Path) -> None:
    ours = _contents(_write(tmp_path / "ours", lambda ix: index_writer(ix, 64)))
    theirs = _contents(_write(tmp_path / "theirs", lambda ix: writing.SegmentWriter(ix, limitmb=64)))
    assert len(ours[0]) > 1000 and any(length for *_, length in ours[1])
    assert ours == theirs
