"""Meeting documents → typed meetings (see parsers.document.parse_document)."""
from __future__ import annotations

from parsers.document import lines_from_text, parse_document

__all__ = ["lines_from_text", "parse_document"]
