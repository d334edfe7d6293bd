"""The readable form of a search result (the `search` command's text output; `--json` is SearchResult.as_json)."""
from __future__ import annotations

from collections.abc import Iterator

from index.model import SearchResult


def hit_lines(result: SearchResult) -> Iterator[str]:
    """Two lines per hit (rank, meeting, item, section, page; the snippet), and the item's other sources."""
    for rank, hit in enumerate(result.hits, start=result.offset + 1):
        where = f"p. {hit.page}" if hit.page else ""
        item = f"{hit.item_number or ''} {hit.item_title or ''}".strip()
        flags = " (lukket)" if hit.closed else ""
        decided = f" besluttet {hit.decided_on}" if hit.decided_on and hit.section == "Beslutning" else ""
        yield f"{rank:3}. {hit.meeting_id}  {item}{flags}  [{hit.section}]{decided} {where}".rstrip()
        yield f"     {hit.snippet}"
        if hit.also_in:
            yield f"     also in: {', '.join(hit.also_in)}"
