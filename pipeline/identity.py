"""Which meeting a document belongs to, and how alike two documents' texts are.

A meeting is its body and date; two documents of one meeting are copies when one's words are nearly all
in the other's (a scan, a re-export or a rewritten file of the same text: bytes differ, words don't).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

COPY_CONTAINMENT = 0.8  # share of the smaller document's distinct words found in the larger one
PIECE_CONTAINMENT = 0.7  # share of a stand-alone document's word pairs found in a meeting's document
# A piece must hold this many distinct word pairs (about half a page of running text) to be judged a copy: a cover,
# a mission statement and a member list are printed alike in every meeting of a body, so a scan of only those
# pages says nothing about which meeting it belongs to (regression: 003-scan-p1-4.pdf joined another meeting).
MIN_PIECE_PAIRS = 150
# ...unless one meeting holds nearly all its pairs and every other holds clearly fewer: then the pairs only that
# meeting has (a member list's substitute, printed for this meeting alone) tell, as they tell a reader
SOLE_HOLDER = 0.98
SOLE_MARGIN = 0.05
MIN_SMALL_PIECE = 40  # fewer pairs than this: nothing to tell by
_WORD = re.compile(r"[^\W\d_]{3,}")
QUALITY = {"text": 0, "ocr": 1, "repaired": 2}  # born-digital over OCR over repaired


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
                                 .replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa"))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def group_key(body: str | None, date: str | None) -> str | None:
    """'kkr-hovedstaden-2025-10-24'; None where the body or the date is unknown (a stand-alone document)."""
    if not body or not date:
        return None
    return slug(f"{body} {date}")[:150] or None


def standalone_id(filename: str) -> str:
    return slug(Path(filename).stem)[:150] or "document"


def words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def shingles(text: str) -> frozenset[str]:
    """Pairs of consecutive words: shared vocabulary is not enough to make two documents one text."""
    tokens = [w.lower() for w in _WORD.findall(text)]
    return frozenset(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))


# Copy candidates: a document keeps the word pairs whose hash is 0 modulo KEY_SAMPLE as its stored keys. The choice
# depends on the pair alone, never on the document, so a piece and the whole it came from keep the same keys for the
# pairs they share (a containment-preserving sample, unlike MinHash, which estimates resemblance of equals): a piece
# of MIN_PIECE_PAIRS pairs keeps about 19, a 36-page document about a thousand. A piece with fewer than two keys
# (under about 16 pairs) finds no candidate: too small to tell, as with MIN_PIECE_PAIRS.
KEY_SAMPLE = 8
# A stored document is a candidate when it shares this share of the piece's keys (the exact check follows); far below
# PIECE_CONTAINMENT, as a small sample of a true copy may by chance share fewer.
KEY_SHARE = 0.3
QUERY_KEYS = 256  # a piece asks with at most this many of its keys (its smallest: a uniform sample of them)
COMMON_KEY = 64  # a key held by more documents is boilerplate of a body (cover, mission), no evidence of a copy
MAX_CANDIDATES = 8  # exact checks per lookup, best-sharing first: the cost of a lookup does not grow with the archive


def pair_key(pair: str) -> int:
    """A stable 63-bit hash of a word pair (Python's hash() changes between runs)."""
    return int.from_bytes(hashlib.blake2b(pair.encode(), digest_size=8).digest(), "big") >> 1


def copy_keys(pairs: frozenset[str]) -> frozenset[int]:
    """The sampled keys of a document's word pairs, stored to find copy candidates without reading every text."""
    return frozenset(k for k in map(pair_key, pairs) if k % KEY_SAMPLE == 0)


def enough_shared(shared: int, keys: int) -> bool:
    """A stored document sharing `shared` of a piece's `keys` keys is worth the exact containment check."""
    return shared >= max(2, KEY_SHARE * keys)


def is_copy_within(part: frozenset[str], whole: frozenset[str]) -> bool:
    """`part` (word pairs) is (a piece of) a copy of `whole`: most of its word pairs are there, and it is not the
    larger one. OCR errors break some pairs, so the bar is lower than for words."""
    if len(part) < 20 or len(part) > 1.1 * len(whole):
        return False
    return len(part & whole) / len(part) >= PIECE_CONTAINMENT


def piece_containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """For a document with no meeting of its own (no body or date found): the share of its word pairs found in
    `whole`; 0 when it is too small to tell (MIN_PIECE_PAIRS) or the larger one."""
    if len(part) < MIN_PIECE_PAIRS or len(part) > 1.1 * len(whole):
        return 0.0
    return len(part & whole) / len(part)


def sole_holder(shares: dict[str, float], pairs: int) -> str | None:
    """For a piece too small for the share rule (MIN_SMALL_PIECE to MIN_PIECE_PAIRS word pairs), the meeting
    (group key -> share of the piece's pairs it holds) that holds nearly all of them while every other meeting
    holds at least SOLE_MARGIN less; None when there is none or the piece is smaller still."""
    if not MIN_SMALL_PIECE <= pairs < MIN_PIECE_PAIRS or not shares:
        return None
    ranked = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked[0][1] < SOLE_HOLDER or (len(ranked) > 1 and ranked[1][1] > ranked[0][1] - SOLE_MARGIN):
        return None
    return ranked[0][0]


def quality(page_sources: list[str]) -> int:
    """A document's text is as good as its worst page: 0 born-digital, 1 OCR, 2 repaired."""
    return max((QUALITY.get(s, 1) for s in page_sources), default=0)


def title_match(a: str, b: str) -> float:
    """Share of the shorter title's words found in the other (item titles of two documents of one meeting)."""
    return containment(words(a), words(b))


@cache
def _municipality_names() -> tuple[str, ...]:
    """Longest first; parsers.lexicon (the OCR lexicon's module) is imported only here, so that opening the
    archive to read it (search, show) does not load it."""
    from parsers.lexicon import municipality_names

    return tuple(sorted(municipality_names(), key=len, reverse=True))


@cache
def _municipality_pattern() -> re.Pattern[str]:
    names = _municipality_names()
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\s+Kommune\b")


def municipality_of_body(body: str) -> str | None:
    """'Aarhus Byråd' -> 'Aarhus Kommune': a body named after its municipality."""
    for name in _municipality_names():
        if body == name or body.startswith(name + " "):
            return f"{name} Kommune"
    return None


def municipality_in(text: str) -> str | None:
    """'Ballerup Kommune' where the text names one of the 98 municipalities as '<name> Kommune'."""
    match = _municipality_pattern().search(text)
    return f"{match.group(1)} Kommune" if match else None
