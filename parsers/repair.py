"""Repair the text layer of PDFs that were OCR'd without Danish ('mgde' -> 'møde', 'pa' -> 'på').

Each word is rewritten by the confusion table (parsers.confusions) and the rewrites are scored against the
Danish lexicon (parsers.lexicon): frequency of the candidate minus the cost of the OCR errors it assumes.
A word the lexicon does not know is repaired when a candidate is a word. A word it does know ('bade', 'nar',
'far') is changed only in a text that is damaged as a whole (see `Repairer.quality`) and only when the
repaired word is clearly more likely: in clean Danish text the lexicon word is always kept. Words the
document itself confirms (written with æ/ø/å, or repaired without doubt) count for more when a word can be
read two ways ('made' = 'møde' in minutes that are full of 'mgde').

Only words change: whitespace, line structure and the number of tokens are kept.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from parsers.confusions import split_point
from parsers.lexicon import Lexicon
from parsers.repair_context import (
    fix_item_numbers,
    fix_party_letter,
    is_line_break_hyphen,
    pipe_word,
    sentence_start,
)
from parsers.repair_words import RepairSettings, WordJudge, stem

_EDGE_PUNCT = ".,;:()[]{}\"'!?’‘”“«»…-–—/*#<>"
_PART = re.compile(r"[A-Za-zÀ-ÿ@&|04]+")
_DANISH = re.compile(r"[æøåÆØÅ]")
_HAS_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
_TOKEN = re.compile(r"\S+")
_UNSEEN = object()
TOKEN_FACTS_CAP = 200_000  # tokens whose quality facts are kept (a few tens of MB at most)
_ADDRESS = re.compile(r"://|www\.|\.(dk|com|org|eu|net)\b|\w@\w+\.", re.IGNORECASE)  # URLs, e-mail
_VOWEL = re.compile(r"[aeiouyæøåAEIOUYÆØÅ]")
_SEPARATOR = re.compile(r"([-/])")  # 'Hgje-Taastrup', 'kan/ma': parts repaired one by one


@dataclass(frozen=True, slots=True)
class RepairResult:
    text: str
    repairs: int


@dataclass(frozen=True, slots=True)
class TextQuality:
    """Verdict on one page's text layer: was it OCR'd without Danish?"""

    damaged: bool
    score: float  # share of repair-signalling words among the page's evidence, 0..1
    reasons: tuple[str, ...]
    words: int = 0  # the counts behind the verdict, so texts can be judged together without reading them again
    danish: int = 0  # words with æ/ø/å
    signals: int = 0  # non-words that a cheap rewrite turns into common Danish words


class Repairer:
    """Repairs texts token by token; holds the lexicon (loaded once) and the word judge with its cache."""

    def __init__(self, lexicon: Lexicon, settings: RepairSettings | None = None) -> None:
        self.lexicon = lexicon
        self.settings = settings or RepairSettings()
        self.words = WordJudge(lexicon, self.settings)
        self._token_facts: dict[str, tuple[int, int] | None] = {}  # quality's verdict on each token seen

    @classmethod
    def load(cls, extra_vocabulary: Iterable[str] = (), cache_dir: Path | None = None,
             settings: RepairSettings | None = None) -> Repairer:
        """Load the lexicon; `extra_vocabulary` = words of clean documents in the same archive."""
        return cls(Lexicon.load(extra_vocabulary, cache_dir), settings)

    # --- tokens ------------------------------------------------------------------------------

    def repair_part(self, part: str, damaged: bool, evidence: Counter[str] | None = None,
                    name_like: bool = False) -> str:
        """One hyphen-free piece of a token; keeps its case pattern."""
        if len(part) < 2 or not _PART.fullmatch(part) or not _HAS_LETTER.search(part):
            return part
        digits = [ch for ch in part if ch.isdigit()]
        if digits and (len(digits) > 1 or digits[0] not in "04" or part.isupper()):
            return part  # 'CO2', 'ØA26': digits belong to the word; '0g', 'p4', '0stdanmark' are damage
        upper = part.isupper() and len(part) > 1
        if upper and len(part) < 5:
            return part  # acronyms: KL, KKR, SOSU
        if not upper and any(ch.isupper() for ch in part[1:]):
            return part  # mixed case: names like McDonald, units like kWh
        capitalised = part[0].isupper() or (part[0] in "@&|0" and len(part) > 2)
        choice = self.words.choose(part.lower(), capitalised, damaged, evidence, name_like and capitalised)
        if choice is None:
            return part
        if part[0] in "@0" and choice.word[0] == "ø":
            # '@' is Ø or ø: capital at a sentence start or where only a name reads ('@stdanmark')
            as_word = self.lexicon.score(choice.word, False)
            capital = not name_like or as_word is None or (self.lexicon.score(choice.word, True) or 0.0) > as_word + 1
            return ("Ø" if capital else "ø") + choice.word[1:]
        return _with_case(part, choice.word, upper)

    def repair_token(self, token: str, damaged: bool, evidence: Counter[str] | None = None,
                     sentence_start: bool = True) -> str:
        """A whitespace-free token: edge punctuation kept, hyphenated parts repaired one by one."""
        core = token.strip(_EDGE_PUNCT)
        if not core or _ADDRESS.search(core):
            return token
        pieces = _SEPARATOR.split(core)
        if "/" in core and any(p.isalpha() and not _VOWEL.search(p) for p in pieces[::2]):
            return token  # case handlers' initials: 'lar/chch/chbn'
        fixed = "".join(p if k % 2 else self.repair_part(p, damaged, evidence, not sentence_start or k > 0)
                        for k, p in enumerate(pieces))
        return _replace_core(token, core, fixed)

    def repair_broken(self, left: str, right: str, damaged: bool,
                      evidence: Counter[str] | None = None, sentence_start: bool = True) -> tuple[str, str]:
        """A word hyphenated at a line end ('gennemfg-' 'relse'): repaired as one word, then split again
        where it was split, so fragments like 'nale' are never read as words of their own."""
        lcore, rcore = left.strip(_EDGE_PUNCT), right.strip(_EDGE_PUNCT)
        lpieces, rpieces = lcore.split("-"), rcore.split("-")
        head, tail = lpieces[-1], rpieces[0]
        joined = head + tail
        new_joined = self.repair_part(joined, damaged, evidence, not sentence_start or len(lpieces) > 1)
        cut = split_point(joined.lower(), new_joined.lower(), len(head)) if new_joined != joined else None
        new_head, new_tail = (new_joined[:cut], new_joined[cut:]) if cut is not None else (head, tail)
        lfixed = [self.repair_part(p, damaged, evidence, not sentence_start or k > 0)
                  for k, p in enumerate(lpieces[:-1])] + [new_head]
        rfixed = [new_tail] + [self.repair_part(p, damaged, evidence, True) for p in rpieces[1:]]
        return _replace_core(left, lcore, "-".join(lfixed)), _replace_core(right, rcore, "-".join(rfixed))

    # --- whole texts -------------------------------------------------------------------------

    def _evidence(self, tokens: list[str], damaged: bool) -> Counter[str]:
        """Word stems the text itself confirms: written with æ/ø/å, or repaired from a non-word."""
        counts: Counter[str] = Counter()
        for token, n in Counter(tokens).items():
            if token.endswith("-"):
                continue  # a fragment of a word broken at the line end
            for part in _SEPARATOR.split(token.strip(_EDGE_PUNCT))[::2]:
                lower = part.lower()
                if _DANISH.search(lower):
                    counts[stem(lower)] += n
                elif _PART.fullmatch(part) and len(part) > 1:
                    capitalised = part[0].isupper()
                    if self.words.original(lower, capitalised) is None:
                        choice = self.words.choose(lower, capitalised, damaged)
                        if choice is not None:
                            counts[stem(choice.word)] += n
        return counts

    def repair(self, text: str, damaged: bool | None = None) -> RepairResult:
        """Repair a page or document. `damaged=None` lets `quality` decide whether known words may change."""
        if damaged is None:
            damaged = self.quality(text).damaged
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        tokens = [text[a:b] for a, b in spans]
        new_tokens = self._repair_tokens(text, spans, tokens, damaged)
        repaired = _splice(text, spans, new_tokens)
        repairs = sum(1 for old, new in zip(tokens, new_tokens, strict=True) if old != new)
        if damaged:
            repaired, moved = fix_item_numbers(repaired)
            repairs += moved
        return RepairResult(repaired, repairs)

    def _repair_tokens(self, text: str, spans: list[tuple[int, int]], tokens: list[str],
                       damaged: bool) -> list[str]:
        """Each token with its neighbours in view: line-end hyphenation, '|', party letters, sentence starts."""
        evidence = self._evidence(tokens, damaged) if damaged else None
        new_tokens = list(tokens)
        memo: dict[tuple[str, bool], str] = {}
        i = 0
        while i < len(tokens):
            token = tokens[i]
            gap = text[spans[i - 1][1]:spans[i][0]] if i else text[:spans[0][0]]
            prev = tokens[i - 1] if i else ""
            start = sentence_start(prev, gap)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt and is_line_break_hyphen(token, nxt, text[spans[i][1]:spans[i + 1][0]]):
                new_tokens[i], new_tokens[i + 1] = self.repair_broken(token, nxt, damaged, evidence, start)
                i += 2
                continue
            new = fix_party_letter(token) if damaged else None
            if new is None and token == "|":
                new = pipe_word(prev, nxt, start or "\n" in gap)
            if new is None:
                key = (token, start)
                new = memo.get(key)
                if new is None:
                    new = memo[key] = self.repair_token(token, damaged, evidence, start)
            new_tokens[i] = new
            i += 1
        return new_tokens

    def quality(self, text: str) -> TextQuality:
        """Is this text layer from an OCR without Danish? Danish text has æ/ø/å in about one word in ten;
        a damaged one has none, but many non-words that a cheap rewrite turns into common Danish words.
        Tokens recur (Zipf's law): each one's facts are worked out once per Repairer."""
        n = danish = signals = 0
        facts = self._token_facts
        for token in text.split():
            known = facts.get(token, _UNSEEN)
            if known is _UNSEEN:
                if len(facts) >= TOKEN_FACTS_CAP:
                    facts.clear()
                known = facts[token] = self._facts_of(token)
            if known is not None:
                n += 1
                danish += known[0]
                signals += known[1]
        return self.verdict(n, danish, signals)

    def _facts_of(self, token: str) -> tuple[int, int] | None:
        """(has æ/ø/å, signals damage) of a token that counts as a word, else None."""
        word = token.strip(_EDGE_PUNCT)
        if len(word) <= 1 or not _PART.fullmatch(word) or not _HAS_LETTER.search(word):
            return None
        if _DANISH.search(word):
            return 1, 0
        if word.isupper() and len(word) < 5:
            return 0, 0
        return 0, int(self.words.signals_damage(word.lower(), word[0].isupper()))

    def combined(self, qualities: Iterable[TextQuality]) -> TextQuality:
        """The verdict on several texts taken as one (a whole document), from their counts alone."""
        qualities = list(qualities)
        return self.verdict(sum(q.words for q in qualities), sum(q.danish for q in qualities),
                            sum(q.signals for q in qualities))

    def verdict(self, n: int, danish: int, signals: int) -> TextQuality:
        s = self.settings
        score = signals / (signals + danish + 1)
        reasons: list[str] = []
        if n and danish / n < 0.02:
            reasons.append(f"{danish} of {n} words have æ/ø/å")
        if signals:
            reasons.append(f"{signals} non-words become common Danish words by OCR repair")
        if n >= s.min_words:
            damaged = signals >= 3 and signals / n >= 0.02 and signals > 3 * danish
        else:
            damaged = signals >= 2 and danish == 0
        return TextQuality(damaged, round(score, 3), tuple(reasons), n, danish, signals)


def _with_case(part: str, word: str, upper: bool) -> str:
    """The repaired word in the case of the OCR'd one. A rewritten first letter takes the case its
    OCR form implies: 'Jstdanmark' -> 'Østdanmark', 'Igbende' -> 'løbende', '0g' -> 'og'."""
    if upper:
        return word.upper()
    first = part[0]
    if first in "Jd" and word[0] == "ø":
        return "Ø" + word[1:]
    if first.isupper() and not (first == "I" and word[0] == "l"):
        return word[0].upper() + word[1:]
    return word


def _splice(text: str, spans: list[tuple[int, int]], tokens: list[str]) -> str:
    """Put new tokens where the old ones were; every character between tokens stays as it was."""
    out: list[str] = []
    pos = 0
    for (a, b), token in zip(spans, tokens, strict=True):
        out.append(text[pos:a])
        out.append(token)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _replace_core(token: str, core: str, fixed: str) -> str:
    if fixed == core:
        return token
    start = token.index(core)
    return token[:start] + fixed + token[start + len(core):]


@functools.cache
def default_repairer(cache_dir: Path | None = None) -> Repairer:
    """One Repairer per process and cache directory: the lexicon takes a second or two to load."""
    return Repairer.load(cache_dir=cache_dir)


def repair_file_text(text: str, repairer: Repairer | None = None) -> str:
    """Repair a whole plain-text document (what `moedearkiv normalize` calls)."""
    return (repairer or default_repairer()).repair(text).text
