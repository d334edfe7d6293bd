"""The Whoosh engine (pure Python, the default engine): the only package that imports `whoosh`."""
from __future__ import annotations

from index.whoosh.store import SearchIndex

__all__ = ["SearchIndex"]
