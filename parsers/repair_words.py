"""Which Danish word did the OCR mean? Word-level scoring for the repair (no text context but the
document's own evidence).

A rewrite (parsers.confusions) scores as its lexicon frequency minus the OCR cost it assumes. A non-word is
repaired into its best rewrite; a word the lexicon knows changes only in damaged text and only for a clearly
likelier rewrite ('nar' -> 'når', but 'barn' stays).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from parsers.confusions import SUSPECT_CHARS, Candidate, candidates
from parsers.lexicon import Lexicon

_STEM_ENDINGS = ("erne", "ene", "ets", "ens", "en", "et", "er", "es", "e", "s")


@dataclass(frozen=True, slots=True)
class RepairSettings:
    """Decision thresholds, passed in rather than hidden (defaults fit English-OCR'd Danish)."""

    keep_margin: float = 0.2  # a known word yields only to a candidate this much (log10) more likely
    clean_max_cost: float = 0.35  # in clean text, unknown words are repaired only by cheap rewrites ...
    clean_min_zipf: float = 3.0  # ... into common words, or compounds of common parts
    clean_min_compound: float = 0.5  # (compounds score Lexicon.COMPOUND_SHIFT below their parts)
    evidence_weight: float = 1.0  # bonus per log10 count of the word family confirmed elsewhere in the text
    min_words: int = 20  # fewer words than this: a page needs stronger evidence to be called damaged
    short_min_score: float = 2.5  # a non-word of <= 4 letters is repaired only into a common word ('jf' stays)
    long_min_score: float = 0.0  # longer non-words: into any word whose score survives the OCR cost ...
    compound_min_score: float = -2.5  # ... or any compound (scored Lexicon.COMPOUND_SHIFT lower) that does
    name_max_cost: float = 0.5  # capitalised inside a sentence: only cheap rewrites, unless into a known name
    name_compound_length: int = 14  # ... or a reading as parts of a word this long
    compound_margin: float = 0.7  # an unlisted word read as parts yields to another such reading only by this
    compound_doubt: float = 2.0  # a word only read as a compound ('ind|gas') yields more easily to a listed word
    compound_candidates: int = 300  # rewrites of a word tried as compounds (cheapest first)


@dataclass(frozen=True, slots=True)
class Option:
    """One reading of an OCR'd word."""

    word: str  # lower case
    score: float  # lexicon score minus OCR cost
    cost: float
    start_edit: bool  # the first letter was rewritten
    direct: bool  # a listed word, not just a reading as a compound


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Crude stem for counting a word family once ('møde', 'møder', 'mødet'); cached: the evidence counts ask
    it for every token of a damaged page."""
    for ending in _STEM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


class WordJudge:
    """Scores readings of single words; caches what it has worked out (words recur, Zipf's law)."""

    def __init__(self, lexicon: Lexicon, settings: RepairSettings) -> None:
        self.lexicon = lexicon
        self.settings = settings
        self._original: dict[tuple[str, bool], float | None] = {}
        self._options: dict[tuple[str, bool], tuple[Option, ...]] = {}
        self._listed: dict[tuple[str, bool], bool] = {}

    def original(self, lower: str, capitalised: bool) -> float | None:
        """Lexicon score of the word as written; None: it is no word."""
        key = (lower, capitalised)
        if key not in self._original:
            self._original[key] = self.lexicon.score(lower, capitalised)
        return self._original[key]

    def listed(self, lower: str, capitalised: bool) -> bool:
        """Is the word as written in the word lists (not just readable as a compound)?"""
        key = (lower, capitalised)
        found = self._listed.get(key)
        if found is None:
            found = self._listed[key] = self.lexicon.direct_score(lower, capitalised) is not None
        return found

    def options(self, lower: str, capitalised: bool) -> tuple[Option, ...]:
        """The best few rewrites that are words, best first."""
        key = (lower, capitalised)
        found = self._options.get(key)
        if found is None:
            found = self._options[key] = self._find_options(lower, capitalised)
        return found

    def _find_options(self, lower: str, capitalised: bool) -> tuple[Option, ...]:
        if not SUSPECT_CHARS.intersection(lower):
            return ()
        lex = self.lexicon
        listed = lex.direct_score(lower, capitalised) is not None
        best: dict[str, Option] = {}

        def add(cand: Candidate, score: float, direct: bool) -> None:
            if cand.word not in best or best[cand.word].score < score - cand.cost:
                best[cand.word] = Option(cand.word, score - cand.cost, cand.cost, cand.first_edit_at_start, direct)

        # a listed word gets one edit ('bade' -> 'både'); a non-word two, and three only if two found nothing
        cands: list[Candidate] = []
        for edits, max_cost in ((1, 1.5),) if listed else ((2, 3.0), (3, 3.0)):
            cands = candidates(lower, max_edits=edits, max_cost=max_cost)
            for cand in cands:
                score = lex.direct_score(cand.word, capitalised)
                if score is not None:
                    add(cand, score, True)
            if best:
                break
        if not listed and (not best or self.original(lower, capitalised) is not None):
            # compounds: 'sundhedsrad' is a compound too, but 'sundhedsråd' a likelier one
            cands.sort(key=lambda c: c.cost)
            for cand in cands[: self.settings.compound_candidates]:
                if cand.word in best and best[cand.word].direct:
                    continue  # a listed word's own frequency beats any reading of it as parts
                score = lex.compound_score(cand.word, capitalised)
                if score is not None:
                    add(cand, score, False)
        return tuple(sorted(best.values(), key=lambda o: -o.score)[:4])

    def signals_damage(self, lower: str, capitalised: bool) -> bool:
        """A non-word that a cheap rewrite turns into a common word ('pa', 'mgde', 'faelles')."""
        if self.original(lower, capitalised) is not None:
            return False
        options = self.options(lower, capitalised)
        return bool(options) and self._cheap(options[0])

    def _cheap(self, best: Option) -> bool:
        s = self.settings
        floor = s.clean_min_zipf if best.direct else s.clean_min_compound
        return best.cost <= s.clean_max_cost and best.score + best.cost >= floor

    def choose(self, lower: str, capitalised: bool, damaged: bool,
               evidence: Counter[str] | None = None, name_like: bool = False) -> Option | None:
        """The repair for one word, or None to keep it. `name_like`: capitalised inside a sentence."""
        original = self.original(lower, capitalised)
        if original is not None and not damaged:
            return None  # in clean text a known word is always right
        options = self.options(lower, capitalised)
        if not options:
            return None
        s = self.settings

        def bonus(word: str) -> float:
            return s.evidence_weight * math.log10(1 + evidence[stem(word)]) if evidence else 0.0

        best = max(options, key=lambda o: o.score + bonus(o.word))
        if original is None:
            if not damaged:
                return best if self._cheap(best) else None
            if name_like and not self._name_repair_ok(lower, best):
                return None  # 'Prepare' mid-sentence is a name or English, not 'Præpare'
            if len(lower) <= 4:
                floor = s.short_min_score
            else:
                floor = s.long_min_score if best.direct else s.compound_min_score
            return best if best.score >= floor else None
        margin = s.keep_margin
        if not self.listed(lower, capitalised):
            if best.direct:
                original -= s.compound_doubt  # 'indgas' parses as 'ind|gas', but 'indgås' is a listed word
            else:
                margin = s.compound_margin  # two readings as parts: 'nedskal|ering' is no worse than 'nedskål|ering'
        if best.score + bonus(best.word) > original + bonus(lower) + margin:
            return best
        return None

    def _name_repair_ok(self, lower: str, best: Option) -> bool:
        """A capitalised non-word inside a sentence is likely a name or English ('Prepare', 'Greater'):
        repair it only cheaply, into a known name, or where its first letter is the damage ('Jstdanmark',
        'Igbende' for 'løbende')."""
        if best.cost <= self.settings.name_max_cost:
            return True
        if not best.direct and len(lower) >= self.settings.name_compound_length:
            return True  # a word this long that reads as Danish parts is a compound ('Social- og Sundheds...'), no name
        if self.lexicon.is_name(best.word) and len(lower) > 4:
            return True  # 'Hillerad' -> 'Hillerød'; but 'Zero' is not 'Ærø'
        return best.start_edit and best.word[0] in "øl" and lower[0] in "j@0&i"
