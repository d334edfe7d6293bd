"""Danish text analysis shared by indexing, querying and snippets.

Words are lowercased, Danish stop words dropped and the Danish Snowball stemmer applied. The stemmer is
applied twice: once leaves `lærepladser` -> `læreplads` but `læreplads` -> `læreplad`, the second pass
brings both to the same stem, consistently on the index and the query side. Snowball leaves the past tense
of weak verbs (`besluttede` -> `beslutted`) apart from the other forms (`beslutte`, `besluttet` -> `beslut`):
a long word's `-ede` is cut and the doubled consonant undone, so all forms of a verb meet.

æ ø å are kept. Each word that has one also gets an *alias* at the same position, stemmed from its ASCII
transliteration (æ->ae, ø->oe, å->aa), so a query typed as `laerepladser` finds `lærepladser` while
`lærepladser` still matches itself exactly. Phrases keep working because the alias shares the position.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang import stemmer_for_language, stopwords_for_language

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe"})
_DANISH_LETTERS = frozenset("æøåäö")

STOP_WORDS: frozenset[str] = frozenset(stopwords_for_language("da"))
_snowball = stemmer_for_language("da")


def fold(word: str) -> str:
    """ASCII transliteration of Danish letters, as people type them without a Danish keyboard."""
    return word.translate(_FOLD_TABLE)


def has_danish_letter(word: str) -> bool:
    return any(ch in _DANISH_LETTERS for ch in word)


PAST_TENSE_MIN_STEM = 4
"""`-ede` is only cut from words whose remaining stem is this long (`rede`, `brede` stay as they are)."""


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem of a lowercased word (Snowball applied twice, then the past tense folded; see module docstring)."""
    stemmed = _snowball(_snowball(word))
    if word.endswith(("ede", "edes")) and stemmed.endswith("ed") and len(stemmed) - 2 >= PAST_TENSE_MIN_STEM:
        stemmed = _undouble(stemmed[:-2])
    return stemmed


def _undouble(stemmed: str) -> str:
    """`beslutt` -> `beslut`, as Snowball's last step does for the other verb forms."""
    doubled = len(stemmed) > 1 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in "aeiouyæøå"
    return stemmed[:-1] if doubled else stemmed


@lru_cache(maxsize=200_000)
def word_keys(word: str) -> tuple[str, ...]:
    """Index terms of one lowercased word: its stem, plus the stem of its transliteration if different."""
    primary = stem(word)
    if not has_danish_letter(word):
        return (primary,)
    alias = stem(fold(word))
    return (primary,) if alias == primary else (primary, alias)


@dataclass(frozen=True, slots=True)
class WordSpan:
    """A word of a text with its character offsets (for snippets)."""

    word: str  # lowercased
    start: int
    end: int


def iter_words(text: str) -> Iterator[WordSpan]:
    for match in WORD_RE.finditer(text):
        yield WordSpan(match.group().lower(), match.start(), match.end())


def prefix_forms(word: str) -> tuple[str, ...]:
    """Index-term prefixes for a `word*` query: cut back to what the stemmer keeps (`læreplads` ->
    `læreplad`, so `lærepladser` is reached too), in the Danish and the transliterated spelling."""
    low = word.lower()
    forms = [low, fold(low)] if has_danish_letter(low) else [low]
    return tuple(dict.fromkeys(os.path.commonprefix([f, stem(f)]) or f for f in forms))


def analyze(text: str) -> list[str]:
    """Primary stems of the searchable words of `text` (stop words dropped), as a query uses them."""
    return [stem(w.word) for w in iter_words(text) if w.word not in STOP_WORDS]


def damaged_words(raw_text: str, text: str) -> str:
    """Words of the raw (pre-repair) text that the repaired text lacks: the only raw words worth indexing."""
    if not raw_text or raw_text == text:
        return ""
    known = {w.word for w in iter_words(text)}
    extra = dict.fromkeys(w.word for w in iter_words(raw_text) if w.word not in known)
    return " ".join(extra)
