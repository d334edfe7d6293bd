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


def _segments(ix: whoosh_index.Index) -> list[tuple[int, int]]:
    return [(seg.doc_count_all(), seg.deleted_count()) for seg in ix._segments()]


def _all(matcher):  # noqa: ANN001, ANN202
    while matcher.is_active():
        yield matcher
        matcher.next()


def test_our_writer_writes_the_same_postings_lengths_and_stored_fields(tmp_path: Path) -> None:
    ours = _contents(_write(tmp_path / "ours", lambda ix: index_writer(ix, 64)))
    theirs = _contents(_write(tmp_path / "theirs", lambda ix: writing.SegmentWriter(ix, limitmb=64)))
    assert len(ours[0]) > 1000 and any(length for *_, length in ours[1])
    assert ours == theirs


def _batches() -> list[list]:
    """Small batches of a few meetings each (enough segments for Whoosh's merge of small ones), one that
    replaces a meeting of an earlier batch and one that empties another."""
    from dataclasses import replace

    docs = [d for meeting in seed_docs().values() for d in meeting]
    batches = [[replace(d, meeting_id=f"m{i}") for d in docs[i * 4:(i + 1) * 4]] for i in range(9)]
    batches.append([replace(d, meeting_id="m2", text=d.text + " erstattet") for d in docs[40:43]])
    batches.append([])  # m5 deleted
    return batches


def test_a_segment_built_elsewhere_commits_what_add_commits(tmp_path: Path) -> None:
    from index.whoosh import SearchIndex
    from index.whoosh.segments import build_segment

    plain, built = SearchIndex.open(tmp_path / "plain"), SearchIndex.open(tmp_path / "built")
    for i, batch in enumerate(_batches()):
        meetings = sorted({d.meeting_id for d in batch}) if batch else ["m5"]
        if batch:
            plain.add(batch)
            built.add_segment(build_segment(batch), meetings)
        else:
            plain.delete_meeting("m5")
            built.delete_meeting("m5")
        assert _contents(plain._ix) == _contents(built._ix), f"after batch {i}"
        assert _segments(plain._ix) == _segments(built._ix), f"after batch {i}"
    with plain._ix.reader() as reader:
        assert len(list(reader.leaf_readers())) < len(_batches()) - 1  # small segments were merged on the way
    for query in ("kommune", "erstattet", "beslutning godkendt"):
        assert plain.search(query, limit=50) == built.search(query, limit=50)
    assert plain.search("erstattet").total > 0 and plain.count() == built.count()
