"""Full-text search over meeting sections (the only package that talks to a search engine).

    from index import open_index, SearchFilters
    with open_index(home / "index", "whoosh") as ix:
        ix.add(section_docs_of_one_meeting)
        result = ix.search('lærepladser -flygtninge', SearchFilters(section="Beslutning"), per_item=True)

Laid out by engine: `index/whoosh/`, `index/tantivy/`, `index/postgres/`, around what they share once at this
level: the query language (query.py), Danish analysis (analysis.py), ranking weights (ranking.py), snippets
(snippet.py, matched words marked `[[word]]`), schema versions (versioning.py), the records an engine holds
(documents.py, records.py, fields.py) and the result records (model.py). `open_index(path, engine, db_url)`
(engine_choice.py) picks one; all behave the same. Importing this package imports no engine: `SearchIndex`
(Whoosh's class) is loaded on first use, so the Tantivy and PostgreSQL engines never load Whoosh.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from index.documents import SectionDoc
from index.engine_choice import ENGINES, TextIndex, open_index
from index.model import Hit, QuerySyntaxError, SearchFilters, SearchResult
from index.versioning import IndexVersionError

if TYPE_CHECKING:
    from index.whoosh import SearchIndex

__all__ = ["ENGINES", "Hit", "IndexVersionError", "QuerySyntaxError", "SearchFilters", "SearchIndex", "SearchResult",
           "SectionDoc", "TextIndex", "open_index"]


def __getattr__(name: str) -> object:
    if name == "SearchIndex":  # the Whoosh engine, imported only by whoever asks for it
        from index.whoosh import SearchIndex

        return SearchIndex
    raise AttributeError(f"module 'index' has no attribute {name!r}")
