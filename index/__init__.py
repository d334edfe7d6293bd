"""Full-text search over meeting sections (the only package that talks to the search engine).

    from index import SearchIndex, SearchFilters
    with SearchIndex.open(home / "index") as ix:
        ix.add(section_docs_of_one_meeting)
        result = ix.search('lærepladser -flygtninge', SearchFilters(section="Beslutning"), per_item=True)

See index/query.py for the query language and index/model.py for the result records; matched words in
snippets are marked `[[word]]`. `open_index(path, "tantivy")` opens the faster Tantivy engine instead of
Whoosh (index/engine_choice.py); both behave the same.
"""
from __future__ import annotations

from index.documents import SectionDoc
from index.engine_choice import ENGINES, TextIndex, open_index
from index.model import Hit, QuerySyntaxError, SearchFilters, SearchResult
from index.store import IndexVersionError, SearchIndex

__all__ = ["ENGINES", "Hit", "IndexVersionError", "QuerySyntaxError", "SearchFilters", "SearchIndex", "SearchResult",
           "SectionDoc", "TextIndex", "open_index"]
