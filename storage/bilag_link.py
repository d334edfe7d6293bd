"""Does an item's Bilag title name a stand-alone document? The match, and the words that find its candidates.

A match needs one word of at least LINK_WORD letters found both in the title and in the document's file name
or first lines (`bilag_match`). So each item's Bilag words (`attachment_words`) and each document's name and
first-line words (`document_words`) are stored, and only the items and documents sharing such a word are ever
matched: the look-up does not read the whole archive, and finds every pair the match could accept.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipeline.identity import slug

_STOP = frozenset({"bilag", "notat", "referat", "dagsorden", "kommune", "udvalget", "forslag", "bilaget", "scanned"})
LINK_WORD = 6  # letters of the one long word every match shares
HEAD_CHARS = 400  # the document's first lines: this much of its first page


@lru_cache(maxsize=65_536)
def tokens(text: str) -> frozenset[str]:
    """Cached: every rebuild matches each candidate document's name and first lines against every attachment
    title of the meeting, and the same titles, names and heads recur from store to store."""
    return frozenset(w for w in slug(text).split("-") if len(w) >= 5 and not w.isdigit() and w not in _STOP)


def bilag_match(title: str, filename: str, head: str, doc_date: str | None, meeting_date: str | None,
                body: str | None = None) -> float:
    """How well an item's attachment title names a stand-alone document (0 = not at all).

    Half of the title's words (less the meeting body's own name) must be in the file name or the document's
    first lines, one of them a long word; an attachment does not postdate its meeting and is at most two years
    older. A title of three or more words all found in the document's own first lines names it outright: the
    first date such a document gives may be any it mentions (an invitation's reply-by date, an event), so it
    does not veto that match (regression: the invitation named in Ballerup's item 1 stood alone)."""
    wanted = tokens(title) - tokens(body or "")
    if not wanted:
        return 0.0
    in_head = wanted & tokens(head)
    found = wanted & (tokens(Path(filename).stem) | in_head)
    if len(found) / len(wanted) < 0.5 or not any(len(w) >= LINK_WORD for w in found):
        return 0.0
    named_outright = len(wanted) >= 3 and in_head == wanted
    if doc_date and meeting_date:
        too_old = int(meeting_date[:4]) - int(doc_date[:4]) > 2
        if too_old or (doc_date > meeting_date and not named_outright):
            return 0.0
    return len(found) / len(wanted)


def _long(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w for w in words if len(w) >= LINK_WORD)


def attachment_words(titles: Iterable[str]) -> frozenset[str]:
    """The long words of an item's Bilag titles (a superset of what any match of them shares)."""
    return _long(w for title in titles for w in tokens(title))


def document_words(filename: str, head: str) -> frozenset[str]:
    """The long words of a document's file name and first lines."""
    return _long(tokens(Path(filename).stem) | tokens(head))
