"""Re-indexing a meeting rewrites only the records that changed (Whoosh keeps content keys, index/records.py).

Issue 9 made every document that joins a meeting re-index the whole meeting; issue 9's last acceptance point
(no ingest slowdown over 10%) needs the unchanged records left alone. Behaviour stays that of a full rewrite."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from index.documents import SectionDoc
from index.records import RecordDelta, content_key
from index.whoosh import SearchIndex

MEETING = "byraadet-2024-05-02"


def records(n: int) -> list[SectionDoc]:
    return [SectionDoc(meeting_id=MEETING, date="2024-05-02", kind="referat", body="Byrådet", item_number=str(i),
                       item_title=f"Punkt {i}", case_number=None, section="Beslutning", position=i, page=i,
                       text=f"Byrådet godkendte forslag nummer {i} om cykelstier.", item_id=f"{MEETING}/{i}")
            for i in range(1, n + 1)]


def test_delta_keeps_unchanged_records_and_names_the_changed_ones() -> None:
    old = records(4)
    new = [*old[:2], replace(old[2], also_in=("kopi.pdf",)), *records(5)[4:]]  # 4th gone, 3rd changed, 5th new
    delta = RecordDelta.between([content_key(d) for d in old], new)
    assert set(delta.gone) == {content_key(old[2]), content_key(old[3])}
    assert [doc for _, doc in delta.added] == [new[2], new[3]]
    assert delta.total == 4


def test_whoosh_rewrites_only_what_changed_and_ends_as_a_full_rewrite_would(tmp_path: Path) -> None:
    ix = SearchIndex.open(tmp_path / "delta")
    docs = records(6)
    ix.replace_meeting(MEETING, docs)
    generation = ix._ix.latest_generation()
    assert ix.replace_meeting(MEETING, docs) == 6
    assert ix._ix.latest_generation() == generation  # nothing changed: no commit at all
    changed = [*docs[:5], replace(docs[5], text="Byrådet forkastede forslaget om parkering.")]
    ix.replace_meeting(MEETING, changed)
    assert ix.count() == 6
    assert ix.search("cykelstier").total == 5 and ix.search("parkering").total == 1
    fresh = SearchIndex.open(tmp_path / "fresh")
    fresh.add(changed)
    for query in ("cykelstier", "parkering", "byrådet", "forslag"):
        assert ({(h.item_id, h.section, h.snippet) for h in ix.search(query, limit=100).hits}
                == {(h.item_id, h.section, h.snippet) for h in fresh.search(query, limit=100).hits})
    ix.replace_meeting(MEETING, [])
    assert ix.count() == 0
    ix.close()
    fresh.close()
