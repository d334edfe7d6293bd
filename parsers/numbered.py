"""Items without case numbers: numbered heading rows (`7. Title`, `Punkt 7: Title`, `3.2 Title`).

Used when a document has no case-number lines. A numbered row only counts as an item heading
when the document backs it up: it matches the table of contents, or the numbers run in order
(1, 2, 3 or 715, 716) with section headings (Baggrund, Indstilling, a dated decision) under
each. That keeps numbered lists, questions in an e-mail and report chapters from becoming items.
With a PDF text layer the row must also stand out (bold or larger than the body text).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.layout import Row
from parsers.model import TocEntry
from parsers.normalize import join_lines
from parsers.vocabulary import dated_decision, heading_name, inline_heading

_NUMBERED = re.compile(r"""
    ^(?P<label>Punkt\s+|Pkt\.\s*|Ad\s+(?:pkt\.|punkt)\s*)?   # Punkt 7: / Pkt. 7 / Ad pkt. 7 (old minutes)
    (?P<num>\d{1,3}(?:\.\d{1,2})?)                          # 7. / 3.2
    (?:\.|:|\.?(?=\s+\d?[A-ZÆØÅ]|\s+\((?:Åben|Åbent|Lukket)\)))  # '3.2 Title', '1 (Åben) Godkendelse'
    \s+(?P<title>[\dA-ZÆØÅ\"”'(].{1,200})$""", re.VERBOSE)
_OPEN_END = re.compile(r"(?:[-,&/]|\b(?:og|i|for|til|af|på|med|om|fra|ved|under|efter|mellem|samt))$")
MAX_CONTINUATION = 3  # a wrapped title runs over at most this many further rows
TOC_MATCH = 0.75
SURE_TITLE = 0.9  # a title this close names the toc entry even if OCR garbled the number
MIN_TOC_SHARE = 0.5  # share of toc entries that must be found as headings to trust the toc
SINGLE_ITEM_SECTIONS = 2  # a lone numbered heading needs this many distinct sections under it
MISSED = 1  # numbers a run may skip (a heading OCR or extraction lost)


@dataclass(frozen=True, slots=True)
class NumberedHeading:
    """An item (or group) heading row: its number, title rows joined, and where its content starts."""

    row: int
    number: str
    title: str
    content_start: int
    labelled: bool = False  # 'Pkt. 7.' / 'Punkt 7:' in a scan or text file: the word says it is an item
    text: str | None = None  # the item's first text, typed on the heading row after the title


def _body_size(rows: Sequence[Row]) -> float | None:
    sizes = Counter(round(r.size, 1) for r in rows if r.size)
    return sizes.most_common(1)[0][0] if sizes else None


def _stands_out(row: Row, body_size: float | None) -> bool:
    """Without layout every row may be a heading; with it, the row is bold or set larger."""
    if not row.has_layout:
        return True
    return bool(row.bold) or (body_size is not None and row.size is not None and row.size > body_size + 0.5)


def _is_structure(text: str) -> bool:
    return bool(heading_name(text) or dated_decision(text))


def _continuation(rows: Sequence[Row], start: int, first: Row) -> int:
    """Index after the title rows that wrap on from the heading row (same style, no paragraph break)."""
    k = start
    while k < len(rows) and k - start < MAX_CONTINUATION:
        row = rows[k]
        if row.para_start or _is_structure(row.text) or _NUMBERED.match(row.text):
            break
        if first.has_layout and (row.bold != first.bold or row.size != first.size):
            break
        if not first.has_layout and not (row.text[:1].islower() or _OPEN_END.search(rows[k - 1].text)):
            break  # plain text: a title wraps only mid-phrase
        k += 1
    return k


def _starts_block(rows: Sequence[Row], i: int) -> bool:
    """A paragraph start, a page top, or (with layout) a change of type style from the row above."""
    row = rows[i]
    if i == 0 or row.para_start or rows[i - 1].page != row.page:
        return True
    above = rows[i - 1]
    return row.has_layout and (above.bold != row.bold or above.size != row.size)


def _section_follows(rows: Sequence[Row], i: int) -> bool:
    """The row right below opens a section: a heading in plain type still heads an item ('1.1 Status' / 'Oplæg:')."""
    if i + 1 >= len(rows):
        return False
    text = rows[i + 1].text
    return bool(_is_structure(text) or inline_heading(text))


def candidates(rows: Sequence[Row], skip: frozenset[int]) -> list[NumberedHeading]:
    """Every row shaped like a numbered heading (at a paragraph start, not a sentence)."""
    body_size = _body_size(rows)
    found: list[NumberedHeading] = []
    for i, row in enumerate(rows):
        match = _NUMBERED.match(row.text)
        if i in skip or not match or not _starts_block(rows, i):
            continue
        if not (_stands_out(row, body_size) or _section_follows(rows, i)):
            continue
        labelled = bool(match.group("label")) and not row.has_layout
        title, rest = _title_and_text(match.group("title")) if labelled else (match.group("title"), None)
        if labelled and not rest:
            title = title.rstrip(" :")  # 'Pkt. 2. Skolens kakkelovne:' over its text
        end = i + 1 if rest else _continuation(rows, i + 1, row)
        title = join_lines([title] + [r.text for r in rows[i + 1:end]])
        if re.search(r"[,;:]$", title) or len(title) > 250:
            continue
        found.append(NumberedHeading(row=i, number=match.group("num"), title=title, content_start=end,
                                     labelled=labelled, text=rest))
    return found


# a title and its text on one row, as old minutes type them: 'Pkt. 2. Skolens kakkelovne. Lærer Madsen har ...',
# 'Pkt. 2. Skolens kakkelovne: Lærer Madsen har ...'
# (the title ends in a word of three letters or more, not an initial or 'nr.'; the text goes on for three words)
_TITLE_THEN_TEXT = re.compile(r"^(?P<title>.{3,80}?[A-Za-zÆØÅæøå]{3})[.:]\s+(?P<text>[A-ZÆØÅ][a-zæøå]*\s+\S+\s+\S.*)$")
_ABBREVIATION_END = re.compile(r"\b(?:ang|bl\.a|ca|evt|jf|inkl|ekskl|mht|vedr|pga|bla)$", re.IGNORECASE)


def _title_and_text(text: str) -> tuple[str, str | None]:
    """(title, text after it on the same row, or None)."""
    match = _TITLE_THEN_TEXT.match(text)
    if not match or _ABBREVIATION_END.search(match.group("title")):
        return text, None
    return match.group("title"), match.group("text")


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False).ratio()


def _strip_closed(title: str) -> str:
    return re.sub(r"^(?:Lukket\s*(?:punkt)?\s*:\s*|\((?:Åben|Åbent|Lukket)\)\s*)", "", title, flags=re.IGNORECASE)


def _toc_matched(found: Sequence[NumberedHeading], toc: Sequence[TocEntry]) -> list[NumberedHeading]:
    """The candidates that name a toc entry, each entry used once, in document order."""
    kept: list[NumberedHeading] = []
    position = 0
    for heading in found:
        for k in range(position, len(toc)):
            entry = toc[k]
            similarity = max(_similar(heading.title, entry.title),
                             _similar(_strip_closed(heading.title), _strip_closed(entry.title)))
            if similarity >= TOC_MATCH and (entry.number == heading.number or similarity >= SURE_TITLE):
                kept.append(heading)
                position = k + 1
                break
    return kept


def _successor(a: str, b: str, gap: int = 0) -> bool:
    """b comes right after a (7→8, 3.2→3.3, 3.4→4.1, 3→3.1), or with `gap` numbers missed between."""
    pa, pb = [int(x) for x in a.split(".")], [int(x) for x in b.split(".")]
    step = range(1, gap + 2)
    if len(pa) == 1 and len(pb) == 1:
        return pb[0] - pa[0] in step
    if len(pa) == 2 and len(pb) == 2:
        return (pb[0] == pa[0] and pb[1] - pa[1] in step) or (pb[0] - pa[0] in step and pb[1] in step)
    if len(pa) == 1:
        return pb[0] == pa[0] and pb[1] in step
    return pb[0] - pa[0] in step  # '3.4' then the group '4.'


def _section_name(text: str) -> str | None:
    inline = inline_heading(text)
    return heading_name(text) or ("Beslutning" if dated_decision(text) else None) or (inline[0] if inline else None)


class _SectionRows:
    """Each row's section heading name, judged once: the chain asks about every pair of candidates, and judging
    the rows between them again for each pair was most of the parse time of a long document."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.names = [_section_name(row.text) for row in rows]
        self._named_before = [0]
        for name in self.names:
            self._named_before.append(self._named_before[-1] + (name is not None))
        self._distinct_from: list[int] = [0] * (len(self.names) + 1)
        seen: set[str] = set()
        for i in range(len(self.names) - 1, -1, -1):
            if self.names[i]:
                seen.add(self.names[i])  # type: ignore[arg-type]
            self._distinct_from[i] = len(seen)

    def any_between(self, start: int, end: int) -> bool:
        start, end = max(0, min(start, len(self.names))), max(0, min(end, len(self.names)))
        return end > start and self._named_before[end] > self._named_before[start]

    def distinct_from(self, start: int) -> int:
        """How many distinct section names the rows from `start` to the end hold."""
        return self._distinct_from[max(0, min(start, len(self.names)))]


def _chain(rows: Sequence[Row], found: Sequence[NumberedHeading]) -> list[NumberedHeading]:
    """The longest run of candidates numbered in order with section headings under each item.

    A bare group number ('3.') needs no sections when its first item ('3.1') follows it directly."""
    n = len(found)
    sections = _SectionRows(rows)

    def backed(i: int, j: int) -> bool:
        if "." not in found[i].number and found[j].number == f"{found[i].number}.1":
            return True
        if found[i].labelled and found[j].labelled:
            return True  # minutes that print 'Pkt. 1.', 'Pkt. 2.' over plain paragraphs, with no section labels
        return sections.any_between(found[i].content_start, found[j].row)

    best = [1] * n
    previous = [-1] * n
    for j in range(n):
        for i in range(j):
            if _successor(found[i].number, found[j].number, MISSED) and backed(i, j) and best[i] + 1 >= best[j]:
                best[j], previous[j] = best[i] + 1, i
    ends = [j for j in range(n) if (best[j] > 1 and found[j].labelled) or sections.distinct_from(
        found[j].content_start) >= (1 if best[j] > 1 else SINGLE_ITEM_SECTIONS)]
    if not ends:
        return []
    last = max(ends, key=lambda j: (best[j], j))
    chain: list[NumberedHeading] = []
    while last >= 0:
        chain.append(found[last])
        last = previous[last]
    chain.reverse()
    return chain


def _fill_gaps(found: Sequence[NumberedHeading], kept: Sequence[NumberedHeading]) -> list[NumberedHeading]:
    """Add a heading the toc missed (a wrapped or cut entry) when its number sits between two kept ones."""
    out = list(kept)
    for heading in found:
        if heading in out:
            continue
        before = [h for h in out if h.row < heading.row]
        after = [h for h in out if h.row > heading.row]
        if before and after and _successor(before[-1].number, heading.number) and _successor(
                heading.number, after[0].number):
            out.append(heading)
            out.sort(key=lambda h: h.row)
    return out


def numbered_headings(rows: Sequence[Row], toc: Sequence[TocEntry], skip: frozenset[int]) -> list[NumberedHeading]:
    """Item and group headings in document order, backed by the toc or by numbering and sections."""
    found = candidates(rows, skip)
    if toc:
        matched = _toc_matched(found, toc)
        if len(matched) >= max(1, MIN_TOC_SHARE * len(toc)):
            return _fill_gaps(found, matched)
    return _chain(rows, found)
