"""Danish lexicon for OCR repair: word forms, compound parts and word frequencies.

Word forms come from Debian's wdanish list and from hunspell-da (its .dic stems expanded with the .aff
suffix rules, because wdanish lacks many inflections such as 'drøftede'). Hunspell's compound flags give
the parts a Danish compound may be built from ('fokus' + 'områder'), since compounds are open-ended and no
list holds them all. Frequencies (Zipf scale) come from `wordfreq`, for choosing between candidates.
Expanding hunspell takes a few seconds, so the result can be cached as one compact file in a directory the
caller passes in; without a cache the lexicon is simply built.
"""
from __future__ import annotations

import gc
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

WDANISH = Path("/usr/share/dict/danish")
HUNSPELL_DIC = Path("/usr/share/hunspell/da_DK.dic")
HUNSPELL_AFF = Path("/usr/share/hunspell/da_DK.aff")
DATA_DIR = Path(__file__).parent / "data"
CACHE_VERSION = "3"

# Hunspell flags in da_DK.aff (FLAG num).
_FORBIDDEN, _NEEDAFFIX = "6", "8"
_HEAD_FLAGS = frozenset({"32", "33"})  # COMPOUNDBEGIN, COMPOUNDMIDDLE
_COMPOUND_END, _ONLY_IN_COMPOUND, _WORD_LAST = "34", "36", "39"
# Inflection endings, longest first, for finding the stem of a compound's last part.
_ENDINGS = ("ernes", "erne", "ene", "ens", "ets", "ers", "en", "et", "er", "es", "e", "s", "r")
_MIN_STEM = 5  # shorter stems ('med', 'mad') say nothing about a rare form ('medet')
_MIN_PART = 3  # shortest compound part accepted; hunspell allows 2, which lets damage pass as compounds
_MIN_FREE_HEAD = 5  # shortest listed word taken as a compound head without hunspell's flag


@dataclass(frozen=True, slots=True)
class _Suffix:
    strip: str
    add: str
    flags: tuple[str, ...]
    condition: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class LexiconData:
    """The word sets, as loaded or built."""

    words: frozenset[str]
    heads: frozenset[str]
    tails: frozenset[str]
    names: frozenset[str]  # lower-cased forms of capitalised entries (names); valid only for capitalised tokens
    freq: dict[str, float] | None = None  # wordfreq's Zipf table, when read from the cache (else made on use)


def _parse_aff(path: Path) -> dict[str, list[_Suffix]]:
    """SFX rules by flag. PFX rules are left out: da_DK uses them only for compass-point place names."""
    rules: dict[str, list[_Suffix]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 5 or parts[0] != "SFX":
            continue
        flag, strip, add_flags, cond = parts[1], parts[2], parts[3], parts[4]
        add, _, cont = add_flags.partition("/")
        rules.setdefault(flag, []).append(_Suffix(
            strip="" if strip == "0" else strip,
            add="" if add == "0" else add,
            flags=tuple(f for f in cont.split(",") if f),
            condition=re.compile("(?:" + cond + ")$"),
        ))
    return rules


def _apply(word: str, rule: _Suffix) -> str | None:
    if not rule.condition.search(word) or (rule.strip and not word.endswith(rule.strip)):
        return None
    return word[: len(word) - len(rule.strip)] + rule.add


@dataclass(slots=True)
class _Forms:
    """What one stem contributes: full words, compound heads (first/middle parts) and tails (last parts)."""

    words: set[str]
    heads: set[str]
    tails: set[str]

    def add(self, form: str, flags: Iterable[str]) -> None:
        flags = set(flags)
        if flags & _HEAD_FLAGS:
            self.heads.add(form.rstrip("-"))
        if _COMPOUND_END in flags or _WORD_LAST in flags:
            self.tails.add(form)
        if _ONLY_IN_COMPOUND not in flags and _NEEDAFFIX not in flags and not form.endswith("-"):
            self.words.add(form)


def _stem_forms(stem: str, flags: set[str], rules: dict[str, list[_Suffix]]) -> _Forms:
    """Expand one .dic entry: two suffix levels, as hunspell allows; the flags each form carries on
    (32/33 compound head, 34 compound end, 36 only inside compounds) sort it."""
    forms = _Forms(set(), set(), set())
    forms.add(stem, flags)
    for flag in flags:
        for rule in rules.get(flag, ()):
            form = _apply(stem, rule)
            if form is None:
                continue
            forms.add(form, rule.flags)
            for flag2 in rule.flags:
                for rule2 in rules.get(flag2, ()):
                    form2 = _apply(form, rule2)
                    if form2 is not None:
                        forms.add(form2, rule2.flags)
    return forms


def _expand_hunspell(dic: Path, aff: Path) -> LexiconData:
    """Word forms of every stem, compound heads and tails, and (separately) names."""
    rules = _parse_aff(aff)
    words: set[str] = set()
    heads: set[str] = set()
    tails: set[str] = set()
    names: set[str] = set()
    for line in dic.read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split()
        if not fields:
            continue
        stem, _, flag_text = fields[0].partition("/")
        if len(stem) < 2 or stem.startswith("#"):
            continue
        # morphological fields: 'al:tiltræder' lists irregular forms of the stem
        words.update(f[3:].lower() for f in fields[1:] if f.startswith("al:") and f[3:].islower())
        flags = set(flag_text.split(",")) if flag_text else set()
        if _FORBIDDEN in flags:
            continue
        forms = _stem_forms(stem.lower(), flags, rules)
        if not stem.islower():
            names.update(forms.words)
            continue
        words |= forms.words
        heads |= forms.heads
        tails |= forms.tails
    return LexiconData(frozenset(words), frozenset(heads), frozenset(tails), frozenset(names))


def _read_wordlist(path: Path) -> tuple[set[str], set[str]]:
    """(common words, names) of a one-word-a-line list; names are the capitalised lines."""
    words: set[str] = set()
    names: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if word:
                (words if word.islower() else names).add(word.lower())
    return words, names


def municipality_names() -> tuple[str, ...]:
    """The 98 Danish municipalities (data file shipped with the package)."""
    text = (DATA_DIR / "municipalities.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _build() -> LexiconData:
    empty: frozenset[str] = frozenset()
    data = _expand_hunspell(HUNSPELL_DIC, HUNSPELL_AFF) if HUNSPELL_DIC.exists() else LexiconData(
        empty, empty, empty, empty)
    words, names = set(data.words), set(data.names)
    plain, capitalised = _read_wordlist(WDANISH)
    words |= plain
    names |= capitalised
    for name in municipality_names():
        names.update(part.lower() for part in re.split(r"[-\s]", name) if part)
    return LexiconData(frozenset(words), data.heads, data.tails, frozenset(names - words))


def load_lexicon_data(cache_dir: Path | None = None) -> LexiconData:
    """Build the word sets, or read them from `cache_dir` (parsers/lexicon_cache.py: keyed by its inputs)."""
    if cache_dir is None:
        return _build()
    from parsers import lexicon_cache

    return lexicon_cache.load(cache_dir, _build)


class Lexicon:
    """Is this a Danish word, and how common is it? Look-ups take lower-case words."""

    UNKNOWN_FREQ = 1.0  # Zipf given to lexicon words wordfreq does not list
    RARE_CAP = 2.5  # a listed word wordfreq does not know is rare, whatever its stem or parts suggest
    PART_CAP = 4.5  # 'med', 'for', 'ind' are very common words but no likelier as compound parts
    COMPOUND_BONUS = 5.0  # a compound of two common parts (Zipf 4.5) scores like a fairly common word (5) ...
    PART_BONUS = 3.0  # ... and each further part adds less than its own probability takes away
    # wordfreq's Danish list stops at Zipf 3: a compound it does not list is rarer than that, no commoner than
    # a rare listed word ('gennem|fare' read as parts is no match for the listed 'gennemføre'), so the parts'
    # score is moved down by this much (two common parts: 2.5, as RARE_CAP); likelier parts still rank higher
    COMPOUND_SHIFT = 2.5
    UNFLAGGED_HEAD = 1.0  # a listed word hunspell does not flag as a compound head is a less likely one
    ARCHIVE_FREQ = 3.0  # a word the archive's clean documents spell so is as common as wordfreq's rarest

    def __init__(self, data: LexiconData, extra: Iterable[str] = ()) -> None:
        extra_words: set[str] = set()
        extra_names: set[str] = set()
        for word in extra:
            if word and word[0].isalpha():
                (extra_words if word[0].islower() else extra_names).add(word.lower())
        # the loaded sets themselves when nothing is added: a copy of 700,000 words costs 20 ms a process
        self.words: frozenset[str] = data.words | extra_words if extra_words else data.words
        self.names: frozenset[str] = data.names | extra_names if extra_names else data.names
        self.learnt: frozenset[str] = frozenset(extra_words | extra_names)
        self.heads = data.heads
        self.tails = data.tails
        self.freq: dict[str, float] = data.freq if data.freq is not None else zipf_table()
        self._compounds: dict[tuple[str, bool], float | None] = {}

    @classmethod
    def load(cls, extra: Iterable[str] = (), cache_dir: Path | None = None) -> Lexicon:
        """The lexicon, its word sets then moved out of the garbage collector's sight (`gc.freeze`): they hold
        millions of words for the life of the process, and every full collection walked them all (a pool
        worker's Whoosh analysis ran 2.5 times slower, its reading 1.3 times, bench/bench_ingest.py)."""
        return cls.of(load_lexicon_data(cache_dir), extra)

    @classmethod
    def of(cls, data: LexiconData, extra: Iterable[str] = ()) -> Lexicon:
        """The lexicon of word sets loaded already (a forkserver's, pipeline/worker_preload.py), frozen out of
        the collector's sight as `load` does."""
        lexicon = cls(data, extra)
        gc.freeze()
        return lexicon

    def zipf(self, word: str) -> float:
        return self.freq.get(word, 0.0)

    def _tail_zipf(self, tail: str, min_stem: int = _MIN_PART) -> float:
        """Frequency of a compound's last part; an inflected form unknown to wordfreq borrows its stem's."""
        found = self.freq.get(tail)
        if found is not None:
            return found
        for ending in _ENDINGS:
            if tail.endswith(ending) and len(tail) - len(ending) >= min_stem:
                stem = self.freq.get(tail[: -len(ending)])
                if stem is not None:
                    return stem - 1.0
        return 0.0

    def _part_zipf(self, part: str, linked: bool) -> float:
        """Frequency of a compound part; a head without its linking -s-/-e- ('sundheds' -> 'sundhed')."""
        found = self.freq.get(part)
        if found is None and linked and part[-1] in "se":
            found = self.freq.get(part[:-1])
        if found is None and not linked:
            found = self._tail_zipf(part)
        return min(max(found or 0.0, self.UNKNOWN_FREQ), self.PART_CAP)

    def _split_logp(self, word: str, capitalised: bool, depth: int = 0) -> float | None:
        """Best sum of log10 word probabilities (Zipf - 9) over readings of `word` as head parts then a tail
        part, as hunspell's compound flags allow; a capitalised word may end in a name ('Østdanmark').
        Each part costs its probability, so two common parts beat three ('lokal|plejehjem', not
        'lokal|pløje|hjem') and a likely tail beats an unlikely one ('sundheds|råd', not '|rad')."""
        best: float | None = None
        n = len(word)
        for i in range(_MIN_PART, n - _MIN_PART + 1):
            head = word[:i]
            penalty = 0.0
            if head not in self.heads:
                if i < _MIN_FREE_HEAD or head not in self.words:
                    continue
                penalty = self.UNFLAGGED_HEAD  # 'webinar|række': new words have no compound flags yet
            rest = word[i:]
            if rest in self.tails or (capitalised and rest in self.names):
                tail: float | None = self._part_zipf(rest, False) - 9.0
            else:
                tail = self._split_logp(rest, False, depth + 1) if depth < 2 else None
                if tail is not None:
                    tail += self.PART_BONUS  # 'ældre|udgifts|nøgle': a third part is no third word
            if tail is not None:
                total = self._part_zipf(head, True) - 9.0 - penalty + tail
                if best is None or total > best:
                    best = total
        return best

    def direct_score(self, word: str, capitalised: bool = False) -> float | None:
        """Zipf of a listed word (at least UNKNOWN_FREQ), or None.

        Names count only for capitalised tokens: 'pa' is no word although 'Pa' is a name."""
        if word in self.words or (capitalised and word in self.names):
            found = self.freq.get(word)
            if found is not None:
                return found
            # listed but rare in wordfreq: as common as its stem, its parts or its last word suggest
            compound = self._raw_compound(word, capitalised) or 0.0
            estimate = max(self._tail_zipf(word, _MIN_STEM), compound, self._last_word_zipf(word))
            floor = self.ARCHIVE_FREQ if word in self.learnt else self.UNKNOWN_FREQ
            return max(floor, min(estimate, self.RARE_CAP))
        return None

    def _last_word_zipf(self, word: str) -> float:
        """Zipf of the longest word the listed `word` ends in ('tydeliggør' ends in 'gør'), less one: a
        derived or compound form, whatever hunspell's compound flags say."""
        for i in range(_MIN_PART, len(word) - _MIN_PART + 1):
            found = self.freq.get(word[i:])
            if found is not None:
                return found - 1.0
        return 0.0

    def is_name(self, word: str) -> bool:
        return word in self.names

    def _raw_compound(self, word: str, capitalised: bool) -> float | None:
        """Score of the best reading of `word` as parts, before the cap; about COMPOUND_BONUS for two
        common parts."""
        if len(word) < 2 * _MIN_PART:
            return None
        key = (word, capitalised)
        if key not in self._compounds:
            logp = self._split_logp(word, capitalised)
            self._compounds[key] = None if logp is None else logp + 9.0 + self.COMPOUND_BONUS
        return self._compounds[key]

    def compound_score(self, word: str, capitalised: bool = False) -> float | None:
        """Zipf-like score of `word` read as a compound, or None: wordfreq's own figure when it lists the
        form, otherwise the parts' score less COMPOUND_SHIFT ('sundheds|råd' still over 'sundheds|rad')."""
        raw = self._raw_compound(word, capitalised)
        if raw is None:
            return None
        known = self.freq.get(word)
        return known if known is not None else raw - self.COMPOUND_SHIFT

    def score(self, word: str, capitalised: bool = False) -> float | None:
        """Zipf-like plausibility of a lower-case word, or None when it is no Danish word."""
        direct = self.direct_score(word, capitalised)
        return direct if direct is not None else self.compound_score(word, capitalised)


def zipf_table() -> dict[str, float]:
    """wordfreq's Danish list as Zipf values (log10 per billion words)."""
    import math

    from wordfreq import get_frequency_dict

    return {w: math.log10(f * 1e9) for w, f in get_frequency_dict("da").items() if f > 0}
