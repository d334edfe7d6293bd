"""Snippets: the densest window of matched words in a section's text, matches marked `[[word]]`.

Engine-neutral: matching is decided with the same stems the index uses (analysis.word_keys), so
`laerepladser` marks `lærepladser`, and a prefix query `sundhedsråd*` marks `sundhedsrådsmedlemmer`.
"""
from __future__ import annotations

from dataclasses import dataclass

from index.analysis import STOP_WORDS, fold, iter_words, prefix_forms, word_keys
from index.model import SNIPPET_MARK_CLOSE, SNIPPET_MARK_OPEN
from index.query import And, Node, Or, Phrase, Word


@dataclass(frozen=True, slots=True)
class Highlight:
    """What to mark: index keys of the positive query words, and prefixes typed with `*`."""

    keys: frozenset[str]
    prefixes: tuple[str, ...]

    def matches(self, word: str) -> bool:
        if any(k in self.keys for k in word_keys(word)):
            return True
        return any(word.startswith(p) or fold(word).startswith(p) for p in self.prefixes)


def highlight_for(node: Node) -> Highlight:
    keys: set[str] = set()
    prefixes: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Word) and n.prefix:
            prefixes.extend(prefix_forms(n.text))
        elif isinstance(n, (Word, Phrase)):
            for w in iter_words(n.text):
                if w.word not in STOP_WORDS:
                    keys.update(word_keys(w.word))
                    keys.update(word_keys(fold(w.word)))
        elif isinstance(n, (And, Or)):
            for c in n.children:
                walk(c)

    walk(node)
    return Highlight(frozenset(keys), tuple(prefixes))


def make_snippet(text: str, highlight: Highlight, width: int = 220) -> tuple[str, int]:
    """Return (snippet, number of marked words) for the best window of about `width` characters."""
    spans = [w for w in iter_words(text) if highlight.matches(w.word)]
    if not spans:
        return _cut(text, 0, width), 0
    best_i, best_n, j = 0, 0, 0
    for i, first in enumerate(spans):  # two pointers: spans[i:j] fit in the window starting at spans[i]
        j = max(j, i)
        while j < len(spans) and spans[j].end - first.start <= width * 0.8:
            j += 1
        if j - i > best_n:
            best_i, best_n = i, j - i
    start = max(0, spans[best_i].start - width // 5)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = min(len(text), start + width)
    while end < len(text) and not text[end].isspace():
        end += 1
    parts: list[str] = []
    cursor = start
    marked = 0
    for span in spans:
        if span.start < start or span.end > end:
            continue
        parts.append(text[cursor:span.start])
        parts.append(f"{SNIPPET_MARK_OPEN}{text[span.start:span.end]}{SNIPPET_MARK_CLOSE}")
        cursor = span.end
        marked += 1
    parts.append(text[cursor:end])
    body = " ".join("".join(parts).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else ""), marked


def _cut(text: str, start: int, width: int) -> str:
    end = min(len(text), start + width)
    while end < len(text) and not text[end].isspace():
        end += 1
    return " ".join(text[start:end].split()) + ("…" if end < len(text) else "")


def section_snippet(text: str, raw_text: str, highlight: Highlight) -> str:
    """A hit's snippet: from the repaired text, or from the raw OCR text when only a damaged spelling matched
    (so the reader sees where)."""
    snippet, marked = make_snippet(text, highlight)
    if marked == 0 and raw_text:
        raw_snippet, raw_marked = make_snippet(raw_text, highlight)
        if raw_marked:
            return raw_snippet
    return snippet
