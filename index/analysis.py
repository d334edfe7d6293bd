"""Danish text analysis shared by indexing, querying and snippets.

Words are lowercased, Danish stop words dropped and the Danish Snowball stemmer applied. The stemmer is
applied twice: once leaves `lærepladser` -> `læreplads` but `læreplads` -> `læreplad`, the second pass
brings both to the same stem, consistently on the index and the query side. Snowball leaves the past tense
of weak verbs (`besluttede` -> `beslutted`) apart from the other forms (`beslutte`, `besluttet` -> `beslut`):
a long word's `-ede` is cut and the doubled consonant undone, so all forms of a verb meet.

æ ø å are kept. Each word that has one also gets an *alias* at the same position, stemmed from its ASCII
transliteration (æ->ae, ø->oe, å->aa), so a query typed as `laerepladser` finds `lærepladser` while
`lærepladser` still matches itself exactly. Phrases keep working because the alias shares the position.

Old spellings meet modern ones the other way round too (Lucene's ScandinavianNormalization idea): a word
with `aa`, `ae` or `oe` also gets the stem of its modern form (aa->å, ae->æ, oe->ø) as an extra key, so
`Sogneraad` in a 1900s text is found by `sogneråd` and `Aarhus` by `Århus`. å is never folded to a:
`år` and `ar` stay apart.

Identifiers (case numbers `12/27845`, `SAG-2025-03121`, `01.02.05-G01-93-16`: letters and digits joined by
`/`, `-` or `.`, with at least one digit) are indexed whole, lowercased, as an extra key at the position of
their first part, besides their parts; a query word that is an identifier matches that whole key.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer  # PyStemmer: Snowball's C stemmers (no search engine's module: every engine imports this one)

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe"})
_DANISH_LETTERS = frozenset("æøåäö")
_OLD_SPELLING_RE = re.compile("aa|ae|oe")
_MODERN = {"aa": "å", "ae": "æ", "oe": "ø"}
IDENT_RE = re.compile(r"[^\W_]+(?:[/.\-][^\W_]+)+", re.UNICODE)
_MAYBE_IDENTIFIER = re.compile(r"\d[/.\-][^\W_]|[^\W_][/.\-]\d")  # a digit next to a joining `/`, `-` or `.`

STOP_WORDS: frozenset[str] = frozenset((
    "ad af alle alt anden at blev blive bliver da de dem den denne der deres det dette dig din disse dog du efter "
    "eller en end er et for fra ham han hans har havde have hende hendes her hos hun hvad hvis hvor i ikke ind jeg "
    "jer jo kunne man mange med meget men mig min mine mit mod ned noget nogle nu når og også om op os over på selv "
    "sig sin sine sit skal skulle som sådan thi til ud under var vi vil ville vor være været").split())
"""Snowball's Danish stop list (the one Whoosh ships, so indexes built before this copy hold the same terms)."""
_snowball = Stemmer.Stemmer("danish").stemWord


def fold(word: str) -> str:
    """ASCII transliteration of Danish letters, as people type them without a Danish keyboard."""
    return word.translate(_FOLD_TABLE)


def has_danish_letter(word: str) -> bool:
    return any(ch in _DANISH_LETTERS for ch in word)


def modernize(word: str) -> str:
    """Old Danish spelling to the modern letters (`sogneraad` -> `sogneråd`); the extra form of a word."""
    return _OLD_SPELLING_RE.sub(lambda m: _MODERN[m.group()], word)


def identifier_key(text: str) -> str | None:
    """The whole-token key of an identifier (`SAG-2025-03121` -> `sag-2025-03121`), None if `text` is not one."""
    value = "".join(text.split()).lower()
    if IDENT_RE.fullmatch(value) and any(ch.isdigit() for ch in value):
        return value
    return None


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
    """Index terms of one lowercased word: its stem, plus the stems of its transliteration (æ->ae) and of its
    modern spelling (aa->å) where they differ."""
    primary = stem(word)
    keys = [primary]
    if has_danish_letter(word):
        keys.append(stem(fold(word)))
    if _OLD_SPELLING_RE.search(word):
        keys.append(stem(modernize(word)))
    return tuple(dict.fromkeys(keys))


def index_terms(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """(position, keys) of every indexed word of `text`, the one tokenization both engines index.

    Stop words are dropped and positions renumbered; an identifier's whole key joins its first part.
    """
    lowered = text.lower()
    out: list[tuple[int, tuple[str, ...]]] = []
    if not _MAYBE_IDENTIFIER.search(lowered):  # most texts: no word offsets needed
        words = [w for w in WORD_RE.findall(lowered) if w not in STOP_WORDS]
        return list(enumerate(map(word_keys, words)))
    matches = list(WORD_RE.finditer(lowered))
    wholes = _identifiers(lowered, matches)
    for i, match in enumerate(matches):
        word = match.group()
        whole = wholes.get(i)
        if word in STOP_WORDS:
            if whole:
                out.append((len(out), (whole,)))
            continue
        keys = word_keys(word)
        out.append((len(out), (*keys, whole) if whole else keys))
    return out


def _identifiers(text: str, matches: list[re.Match[str]]) -> dict[int, str]:
    """Index of the first word of each identifier (words joined by single `/`, `-` or `.`) -> its whole key.

    One pass over the word matches: much cheaper than a second regex scan of the text."""
    found: dict[int, str] = {}
    first = 0
    for i in range(1, len(matches) + 1):
        joined = i < len(matches) and matches[i].start() == matches[i - 1].end() + 1 and \
            text[matches[i - 1].end()] in "/-."
        if joined:
            continue
        if i - first > 1 and (key := identifier_key(text[matches[first].start():matches[i - 1].end()])):
            found[first] = key
        first = i
    return found


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
    known = {w.lower() for w in WORD_RE.findall(text)}  # iter_words' words, without a WordSpan each
    extra = dict.fromkeys(low for w in WORD_RE.findall(raw_text) if (low := w.lower()) not in known)
    return " ".join(extra)
