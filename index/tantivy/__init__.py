"""The Tantivy engine (Rust, fast at any size): the only package that imports `tantivy`; no Whoosh module."""
from __future__ import annotations

from index.tantivy.engine import TantivyIndex

__all__ = ["TantivyIndex"]
