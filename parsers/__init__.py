"""Meeting documents → typed meetings (see parsers.document.parse_document).

`parse_document` and `lines_from_text` load parsers.document on first use, so a module that only needs the
records (parsers.model) does not pay for the parser and its vocabularies: `search` starts faster."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parsers.document import lines_from_text, parse_document

__all__ = ["lines_from_text", "parse_document"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from parsers import document

        return getattr(document, name)
    raise AttributeError(f"module 'parsers' has no attribute {name!r}")
