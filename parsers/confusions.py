"""What OCR engines without Danish make of æ, ø and å, and the repair candidates that follows from it.

An engine trained on English has no æ/ø/å glyphs, so it reads the nearest shape it knows: ø becomes g, o, e, a,
@, &, 0, sometimes two glyphs like 'e@' (or 'J' for a capital Ø), æ becomes ae, ee, ze, e or a, å becomes a
or é. Costs are -log10 of how likely that reading is in a damaged text, so the cheap readings (a for å, g for
ø, ae for æ) are tried freely and the rare ones (s for ø, d for å) only one per word.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Confusion:
    ocr: str  # what the OCR wrote, lower case
    danish: str  # the letter(s) it stands for
    cost: float  # -log10 P(this reading | damaged text)
    at_start: bool = False  # only at the start of a word ('J' for Ø)


class Candidate(NamedTuple):
    """A rewrite of a word (a NamedTuple: tens of thousands are made per document, most thrown away)."""

    word: str  # lower-case candidate
    cost: float
    edits: int
    first_edit_at_start: bool  # the first letter was rewritten (decides Ø/ø for '@stdanmark')


EXPENSIVE = 0.9  # at most one edit this costly per word

CONFUSIONS: tuple[Confusion, ...] = (
    # ø
    Confusion("g", "ø", 0.2), Confusion("@", "ø", 0.05), Confusion("&", "ø", 0.5), Confusion("0", "ø", 1.0),
    Confusion("o", "ø", 0.7), Confusion("oe", "ø", 0.5), Confusion("e", "ø", 1.0), Confusion("a", "ø", 1.0),
    Confusion("ag", "ø", 0.9), Confusion("ga", "ø", 0.9), Confusion("ea", "ø", 0.9), Confusion("eo", "ø", 1.0),
    Confusion("e@", "ø", 0.5), Confusion("o@", "ø", 0.5), Confusion("g@", "ø", 0.5),  # a glyph read as two
    Confusion("gi", "ø", 1.3), Confusion("es", "ø", 1.3), Confusion("s", "ø", 1.5), Confusion("sa", "ø", 1.5),
    Confusion("j", "ø", 0.8, at_start=True), Confusion("d", "ø", 1.5, at_start=True),
    # æ
    Confusion("ae", "æ", 0.05), Confusion("ee", "æ", 0.3), Confusion("ze", "æ", 0.3), Confusion("eze", "æ", 0.5),
    Confusion("eae", "æ", 0.5), Confusion("&e", "æ", 0.3), Confusion("zz", "æ", 0.8), Confusion("ea", "æ", 1.0),
    Confusion("aa", "æ", 1.2), Confusion("e", "æ", 1.0), Confusion("a", "æ", 1.2), Confusion("z", "æ", 1.0),
    # å
    Confusion("a", "å", 0.05), Confusion("é", "å", 0.1), Confusion("éa", "å", 0.2), Confusion("&", "å", 0.3),
    Confusion("4", "å", 1.0), Confusion("d", "å", 1.5),
    # other letters
    Confusion("i", "l", 0.6, at_start=True), Confusion("i", "l", 1.0),
    Confusion("0", "o", 0.3), Confusion("|", "l", 0.5),
)

_BY_FIRST: dict[str, tuple[Confusion, ...]] = {}
for _c in CONFUSIONS:
    _BY_FIRST[_c.ocr[0]] = (*_BY_FIRST.get(_c.ocr[0], ()), _c)

SUSPECT_CHARS = frozenset(_BY_FIRST)


class _Site(NamedTuple):
    start: int
    end: int
    danish: str
    cost: float


def _sites(word: str) -> list[_Site]:
    found: list[_Site] = []
    by_first = _BY_FIRST
    for i, ch in enumerate(word):
        confs = by_first.get(ch)
        if confs is None:
            continue
        for conf in confs:
            if (not conf.at_start or i == 0) and word.startswith(conf.ocr, i):
                found.append(_Site(i, i + len(conf.ocr), conf.danish, conf.cost))
    return found


def candidates(word: str, max_edits: int = 3, max_cost: float = 3.0) -> list[Candidate]:
    """Every rewrite of the lower-case `word` by the confusion table (the word itself not included).

    Edits do not overlap; at most one expensive edit is allowed, which keeps long words tractable."""
    sites = _sites(word)
    n = len(sites)
    out: list[Candidate] = []

    def extend(first: int, pos: int, prefix: str, cost: float, edits: int, expensive: bool, at_start: bool) -> None:
        for k in range(first, n):
            site = sites[k]
            new_cost = cost + site.cost
            costly = site.cost >= EXPENSIVE
            if site.start < pos or new_cost > max_cost or (costly and expensive):
                continue
            head = prefix + word[pos:site.start] + site.danish
            starts = at_start or site.start == 0
            out.append(Candidate(head + word[site.end:], new_cost, edits + 1, starts))
            if edits + 1 < max_edits:
                extend(k + 1, site.end, head, new_cost, edits + 1, expensive or costly, starts)

    extend(0, 0, "", 0.0, 0, False, False)
    return out


def split_point(ocr: str, repaired: str, k: int) -> int | None:
    """Where in `repaired` the first `k` characters of `ocr` end, following the confusion table.

    Used to split a word repaired across a line-end hyphen back into its two lines. A confusion that
    spans the split ('a-' 'e' for 'æ') puts the letter on the first line. None if no alignment is found."""
    seen: set[tuple[int, int]] = set()

    def walk(i: int, j: int) -> int | None:
        if i >= k:
            return j
        if (i, j) in seen:
            return None
        seen.add((i, j))
        if j < len(repaired) and ocr[i] == repaired[j]:
            found = walk(i + 1, j + 1)
            if found is not None:
                return found
        for conf in _BY_FIRST.get(ocr[i], ()):
            if ocr.startswith(conf.ocr, i) and repaired.startswith(conf.danish, j):
                found = walk(i + len(conf.ocr), j + len(conf.danish))
                if found is not None:
                    return found
        return None

    return walk(0, 0)
