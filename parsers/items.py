"""Where items are: each case-number row (`SAG-2025-03121 gitb`, `EMN-2025-003383`, `Sagsnr.: 12/27845`)
anchors one item; its title is the heading rows just above it, its number read from the heading, a
displaced page-top label, the table of contents, or the order.

Anchoring on case numbers is what keeps dates ('24. oktober 2025.'), numbered lists ('1. En
rehabiliterende tilgang') and the toc from becoming items.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.layout import Row
from parsers.model import TocEntry
from parsers.normalize import join_lines
from parsers.sections import unlink
from parsers.templates import GENERIC, Template
from parsers.vocabulary import dated_decision, heading_name, inline_heading

_CASES = GENERIC.case_numbers  # every format: a heading walk must stop at any case-number row
LABEL = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})?)\.$")  # ' 3.3.', '21.', ' 2.'
SUB = re.compile(r"^(?P<g>\d{1,2})\.(?P<i>\d{1,2})\.?\s+(?P<title>\S.*)$")  # '3.2. Title'
GROUP = re.compile(r"^(?P<g>\d{1,2})\.\s+(?P<title>[A-ZÆØÅ].*)$")  # '3. Regionalpolitiske sager'
# a group row numbered without a dot, as SBSYS prints it over its '2.1 Title' items: '2 Skabeloner', '3 Eventuelt'
BARE_GROUP = re.compile(r"^(?P<g>\d{1,2})\s+(?P<title>[A-ZÆØÅ][^.:;]{1,80})$")
FLAT = re.compile(r"^(?:Punkt\s+)?(?P<n>\d{1,4})[.:]\s+(?P<title>\S.*)$")  # '715. Title', 'Punkt 7: Title'
CLOSED = re.compile(r"""^(?:\(Lukket(?:\s+(?:punkt|sag))?\)\s*     # (Lukket) Køb af ejendom
                          |Lukket\s*(?:punkt|sag)?\s*[:–-]\s*)  # Lukket punkt: Title, Lukket sag: Title, Lukket - Title
                          (?P<title>.+)$
                      |^(?P<before>.+?)\s*\(Lukket(?:\s+punkt)?\)$  # Title (Lukket)
                      """, re.IGNORECASE | re.VERBOSE)
OPEN = re.compile(r"^\((?:Åben|Åbent)(?:\s+punkt)?\)\s*", re.IGNORECASE)  # (Åben) Godkendelse af dagsorden
# the case row says the item is closed: 'Lukket sag', 'Lukket punkt', '/ Lukket', '(Lukket)'
CLOSED_MARK = re.compile(r"(?:\bLukket(?:\s+(?:sag|punkt))?|\(Lukket\))\s*$", re.IGNORECASE)
# an item number on a row of its own, above or below the title: 'Pkt. 42', 'Sag nr. 129', 'Punkt 7:'
NUMBER_ROW = re.compile(r"^(?:Punkt|Pkt\.?|Sag\s+nr\.?|Dagsordenspunkt)\s*(?P<num>\d{1,4})\s*:?$", re.IGNORECASE)
_URL = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.pdf$", re.IGNORECASE)
MAX_TITLE_ROWS = 5
TOC_MATCH = 0.75  # title similarity at which a toc entry names an item


@dataclass(frozen=True, slots=True)
class Anchor:
    row: int
    case_number: str | None
    initials: str | None
    number: str | None = None  # printed on a number row of its own ('Pkt. 42')
    closed: bool = False  # the case row marks the item closed ('Lukket sag')


@dataclass(frozen=True, slots=True)
class Heading:
    """What the rows above an anchor say: where the heading starts, its number and titles."""

    start: int
    number: str | None  # as printed on the heading row ('3.2', '7'), None if not printed
    labels: tuple[str, ...]  # lone number labels inside the heading
    group_number: int | None
    group_title: str | None
    title: str
    hierarchical: bool  # the number is 'group.item'


@dataclass(frozen=True, slots=True)
class Placed:
    """An item located in the rows, numbered."""

    anchor: Anchor
    heading: Heading
    number: str
    group_title: str | None
    end: int  # rows[anchor.row + 1 : end] are its content


def find_anchors(rows: Sequence[Row], skip: frozenset[int], template: Template = GENERIC) -> list[Anchor]:
    """Case-number rows in the template's formats; the generic formats when the template's find none."""
    for patterns in (template, GENERIC):
        anchors: list[Anchor] = []
        for i, row in enumerate(rows):
            match = None if i in skip else patterns.case_match(row.text)
            if match:
                initials = match.groupdict().get("initials")
                anchors.append(Anchor(row=i, case_number=mended_case(match.group("case")), initials=initials,
                                      closed=bool(CLOSED_MARK.search(row.text))))
        if anchors or patterns is GENERIC:
            anchors = _with_styled_titles(rows, _with_number_rows(rows, anchors, skip), skip)
            return _with_group_items(rows, anchors, skip)
    return []


def _group_row(rows: Sequence[Row], i: int) -> re.Match[str] | None:
    """'2. Skabeloner' or '2 Skabeloner' (bold, a dotless number needs the layout to say so)."""
    text = rows[i].text
    return GROUP.match(text) or (BARE_GROUP.match(text) if rows[i].bold else None)


def _with_group_items(rows: Sequence[Row], anchors: list[Anchor], skip: frozenset[int]) -> list[Anchor]:
    """A top-level row numbered and set like the group rows over the anchored 'g.i' items, with sections of its
    own and no items under it ('3 Eventuelt' after '2 Skabeloner' / '2.1 Test'), is an item that has no case
    number: numbered in sequence with its siblings (the group before it + 1, below the group after it)."""
    groups: dict[int, int] = {}  # group row -> its number
    numbered: dict[int, int] = {}  # anchor row -> its group number, from the 'g.i Title' row above it
    near: set[int] = set()
    for a in anchors:
        near.update(range(max(0, a.row - 3), a.row + 1))
        sub = next((i for i in range(a.row, max(-1, a.row - 4), -1) if SUB.match(rows[i].text)), None)
        if sub is None:
            continue
        numbered[a.row] = int(SUB.match(rows[sub].text).group("g"))  # type: ignore[union-attr]
        group = _group_row(rows, sub - 1) if sub > 0 else None
        if group and int(group.group("g")) == numbered[a.row]:
            groups[sub - 1] = numbered[a.row]
    styles = {(rows[i].bold, rows[i].size) for i in groups}
    out = list(anchors)
    for i in range(len(rows)) if groups else ():
        match = _group_row(rows, i)
        if not match or i in skip or i in near or i in groups or (rows[i].bold, rows[i].size) not in styles:
            continue
        g = int(match.group("g"))
        known = {**{a.row: None for a in out}, **numbered, **groups}  # None: an item whose number is not printed
        before = [known[k] for k in sorted(known) if k < i][-1:]
        after = [n for k, n in sorted(numbered.items()) if k > i]
        if not before or before[0] is None or g != before[0] + 1 or (after and after[0] <= g):
            continue  # out of sequence with the row before it: a numbered list inside an item
        following = [a.row for a in out if a.row > i]
        content = rows[i + 1:min(following) if following else len(rows)]
        if any(SUB.match(r.text) for r in content) or not any(
                heading_name(r.text) or inline_heading(r.text) or dated_decision(r.text) for r in content):
            continue  # a group over items of its own, or a row without sections
        groups[i] = g
        out.append(Anchor(row=i, case_number=None, initials=None, number=match.group("g")))
    return sorted(out, key=lambda a: a.row)


# a KLE journal number whose facet letter OCR read as a zero: '00.30.10009' is '00.30.10Ø09' (only Ø looks like 0)
_KLE_ZERO_FACET = re.compile(r"^(\d{2}\.\d{2}\.\d{2})0(\d{2})$")


def mended_case(case: str) -> str:
    """The case number as printed, with a KLE facet read as '0' given back its Ø."""
    return _KLE_ZERO_FACET.sub(r"\1Ø\2", case)


def _with_number_rows(rows: Sequence[Row], anchors: list[Anchor], skip: frozenset[int]) -> list[Anchor]:
    """Number rows ('Pkt. 42', 'Sag nr. 129') anchor items too: one next to a case-number row gives it its number,
    one without becomes an anchor of its own. Needs two of them, so a lone 'Punkt 3' in a sentence never counts."""
    numbers = [(i, m.group("num")) for i, r in enumerate(rows) if i not in skip and (m := NUMBER_ROW.match(r.text))]
    if len(numbers) < 2:
        return anchors
    out = list(anchors)
    for i, number in numbers:
        near = [a for a in out if 0 < abs(a.row - i) <= 3 and a.number is None]
        if near:
            a = min(near, key=lambda a: abs(a.row - i))
            out[out.index(a)] = Anchor(row=max(a.row, i), case_number=a.case_number, initials=a.initials,
                                       number=number, closed=a.closed)
        else:
            out.append(Anchor(row=i, case_number=None, initials=None, number=number))
    return sorted(out, key=lambda a: a.row)


def _title_style(row: Row) -> tuple[bool, float] | None:
    return (True, round(row.size or 0.0, 1)) if row.bold and row.size else None


def _with_styled_titles(rows: Sequence[Row], anchors: list[Anchor], skip: frozenset[int]) -> list[Anchor]:
    """A numbered title ('1. Godkendelse af dagsordenen', bold 13 pt) set like the titles over the case-number
    rows is an item although no case number follows it (a standing item has none)."""
    styles: dict[tuple[bool, float], int] = {}
    near: set[int] = set()
    for a in anchors:
        for i in range(max(0, a.row - 3), a.row + 1):
            near.add(i)
            style = _title_style(rows[i])
            if style and FLAT.match(rows[i].text):
                styles[style] = styles.get(style, 0) + 1
                break
    known = {style for style, n in styles.items() if n >= 2}
    if not known or any(SUB.match(rows[i].text) for i in near):
        return anchors  # '1. Group' over '1.1 Title': numbered rows there are groups, not items
    out = list(anchors)
    for i, row in enumerate(rows):
        match = FLAT.match(row.text)
        if (match and i not in skip and i not in near and _title_style(row) in known
                and not any(a.row - 3 <= i <= a.row for a in anchors)
                and not (i + 1 < len(rows) and rows[i + 1].bold is False and FLAT.match(rows[i + 1].text))):
            out.append(Anchor(row=i, case_number=None, initials=None, number=match.group("n")))
    return sorted(out, key=lambda a: a.row)


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.;:!?]$", text)) and not re.search(r"\b(?:mv|m\.v|bl\.a|ca|nr)\.$", text)


def _is_structure(text: str) -> bool:
    return bool(heading_name(text) or dated_decision(text) or any(p.match(text) for p in _CASES)
                or NUMBER_ROW.match(text))


def _numbered(text: str) -> re.Match[str] | None:
    return SUB.match(text) or FLAT.match(text)


def read_heading(rows: Sequence[Row], anchor: int, low: int) -> Heading:
    """Walk up from the anchor over title rows, labels and a group heading; stop at body text."""
    if FLAT.match(rows[anchor].text) and not GENERIC.case_match(rows[anchor].text):
        return _interpret(rows, [anchor], anchor)  # a numbered title that is its own anchor
    bare = BARE_GROUP.match(rows[anchor].text)
    if bare and not GENERIC.case_match(rows[anchor].text):  # '3 Eventuelt', an item numbered like the groups
        return Heading(start=anchor, number=bare.group("g"), labels=(), group_number=None, group_title=None,
                       title=bare.group("title").strip(), hierarchical=False)
    taken: list[int] = []
    text_rows = 0
    seen_label = False
    j = anchor - 1
    if j > low and (NUMBER_ROW.match(rows[j].text) or GENERIC.case_match(rows[j].text)):
        j -= 1  # the number row (or case row) right above the anchor belongs with it: the title is above both
    while j >= low:
        row = rows[j]
        text = row.text
        if _is_structure(text):
            if NUMBER_ROW.match(text) and taken:
                taken.append(j)  # 'Pkt. 43' above the title: the item's heading starts there
            break
        if LABEL.match(text):
            taken.append(j)
            seen_label = True
            j -= 1
            continue

        if seen_label and not _numbered(text) and not GROUP.match(text):
            break  # labels sit at a page top above the title: text above them belongs to the item before
        if _numbered(text) and (SUB.match(text) or not _ends_sentence(text)):
            taken.append(j)
            previous = rows[j - 1].text if j - 1 >= low else ""
            if SUB.match(text) or re.match(r"^\d\d\.\s", text):
                if j - 1 >= low and _group_row(rows, j - 1) and not _is_structure(previous):
                    taken.append(j - 1)  # '1. Godkendelse af referat og dagsorden' over '1.1. ...'
            break
        if (_ends_sentence(text) or re.match(r"^[-–—•*]\s", text) or _URL.search(text)
                or text_rows >= MAX_TITLE_ROWS):
            break
        taken.append(j)
        text_rows += 1
        j -= 1
    taken.sort()
    return _interpret(rows, taken, anchor)


def _paragraphs(rows: Sequence[Row], indices: Sequence[int]) -> list[list[str]]:
    out: list[list[str]] = []
    for i in indices:
        if not out or rows[i].para_start:
            out.append([])
        out[-1].append(rows[i].text)
    return out


def _same_style_as_numbered(rows: Sequence[Row], title_rows: list[int]) -> list[int]:
    """A numbered title ('1. Boliger ved ...', bold 12 pt) wraps in its own type; a row under it in other type
    that the document prints again elsewhere ('A. Sager til afgørelse i byrådet', 9 pt, under every item of
    the group) is the item's metadata line, not more title."""
    first = next((i for i in title_rows if _numbered(rows[i].text)), None)
    if first is None or not rows[first].has_layout or not rows[first].bold:
        return title_rows
    size = rows[first].size or 0.0

    def same(row: Row) -> bool:
        if not row.has_layout or (bool(row.bold) and abs((row.size or 0.0) - size) < 1.0):
            return True
        return sum(r.text == row.text for r in rows) < 2

    return [i for i in title_rows if i <= first or same(rows[i])]


def _interpret(rows: Sequence[Row], taken: list[int], anchor: int) -> Heading:
    labels: list[str] = []
    number: str | None = None
    hierarchical = False
    group_number: int | None = None
    group_title: str | None = None
    title_rows: list[int] = []
    for i in taken:
        text = rows[i].text
        if NUMBER_ROW.match(text):
            continue  # the number row: its number came with the anchor
        label = LABEL.match(text)
        sub = SUB.match(text)
        glued = re.match(r"^(\d)(\d)\.\s+(\S.*)$", text)
        group = GROUP.match(text) or BARE_GROUP.match(text)
        if label:
            labels.append(label.group("num"))
        elif sub:
            number, hierarchical = f"{sub.group('g')}.{sub.group('i')}", True
            title_rows.append(i)
        elif group and not title_rows and any(SUB.match(rows[k].text) or LABEL.match(rows[k].text)
                                              or re.match(r"^\d\d\.\s", rows[k].text) for k in taken if k > i):
            group_number, group_title = int(group.group("g")), group.group("title")
        elif glued and any(rows[k].text.startswith(f"{glued.group(1)}.") for k in taken if k < i):
            number, hierarchical = f"{glued.group(1)}.{glued.group(2)}", True  # '41. Punkter' under '4. Punkter'
            title_rows.append(i)
        elif FLAT.match(text) and number is None:
            number = FLAT.match(text).group("n")  # type: ignore[union-attr]
            title_rows.append(i)
        else:
            title_rows.append(i)
    title_rows = _same_style_as_numbered(rows, title_rows)
    paragraphs = _paragraphs(rows, title_rows)
    if len(paragraphs) > 1 and (labels or group_title) and group_title is None:
        group_title = join_lines(paragraphs[0])  # 'Regionalpolitiske sager' above 'Status på ...'
        paragraphs = paragraphs[1:]
    elif len(paragraphs) == 1 and len(paragraphs[0]) > 1 and any("." not in x for x in labels) and group_title is None:
        group_title = paragraphs[0][0]  # a group label ('3.') above 'Regionalpolitiske sager' / 'Status på ...'
        paragraphs = [paragraphs[0][1:]]
    elif len(paragraphs) > 1 and not labels and group_title is None and number is None:
        paragraphs = paragraphs[-1:]  # only the paragraph right above the case number is the title
    lines = [line for p in paragraphs for line in p]
    title = join_lines(lines)
    title = re.sub(r"^(?:Punkt\s+)?(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,4}[.:])\s+", "", title)  # '7. ', '1.1 '
    start = min(taken) if taken else anchor
    if lines and not labels and group_title is None and number is None:
        first = next(i for i in title_rows if rows[i].text == paragraphs[0][0])
        start = first
    start = min([start] + [i for i in taken if NUMBER_ROW.match(rows[i].text)])  # 'Pkt. 43' above the title
    return Heading(start=start, number=number, labels=tuple(labels), group_number=group_number,
                   group_title=group_title, title=unlink(title), hierarchical=hierarchical)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False).ratio()


def _toc_number(title: str, toc: Sequence[TocEntry], used: set[str]) -> str | None:
    best = max((e for e in toc if e.number not in used), key=lambda e: _similar(title, e.title), default=None)
    if best is not None and _similar(title, best.title) >= TOC_MATCH:
        return best.number
    return None


def _label_fits(label: str, candidate: tuple[int, int]) -> bool:
    g, i = candidate
    return label in (f"{g}.{i}", f"{g}{i}") or (i == 1 and label == str(g))


def number_items(rows: Sequence[Row], anchors: Sequence[Anchor], headings: Sequence[Heading],
                 toc: Sequence[TocEntry]) -> list[tuple[str, str | None]]:
    """(number, group title) for each anchor: printed number, toc, page-top label, or the next in order."""
    hierarchical = any(h.hierarchical for h in headings) or any("." in e.number for e in toc)
    group_titles = {e.number: e.title for e in toc if "." not in e.number}
    out: list[tuple[str, str | None]] = []
    used: set[str] = set()
    g, i, flat = 1, 0, 0
    previous_anchor = -1
    current_group: str | None = None
    for anchor, heading in zip(anchors, headings, strict=True):
        between = [LABEL.match(r.text).group("num")  # type: ignore[union-attr]
                   for r in rows[previous_anchor + 1:anchor.row] if LABEL.match(r.text)]
        number = heading.number or anchor.number or _toc_number(heading.title, toc, used)
        if hierarchical:
            candidates = [(g, i + 1), (g + 1, 1)]
            if number is None:
                fitting = [c for c in candidates if any(_label_fits(x, c) for x in list(heading.labels) + between)]
                if heading.group_number is not None:
                    fitting = [(heading.group_number, 1)] + fitting
                choice = fitting[0] if fitting else (g, i + 1)
                number = f"{choice[0]}.{choice[1]}"
            parts = number.split(".")
            new_g = int(parts[0])
            g, i = new_g, int(parts[1]) if len(parts) > 1 else 0
            group_title = heading.group_title or group_titles.get(str(new_g))
            if group_title is None and out and out[-1][0].split(".")[0] == str(new_g):
                group_title = current_group
            current_group = group_title
        else:
            if number is None:
                number = str(flat + 1)
            flat = int(number) if number.isdigit() else flat + 1
            group_title = heading.group_title
        used.add(number)
        out.append((number, group_title))
        previous_anchor = anchor.row
    return out


def group_break(rows: Sequence[Row], start: int, end: int, group: int, toc: Sequence[TocEntry]) -> int:
    """The row where a following group heading ('5. Eventuelt') ends an item's content, else `end`.

    A numbered list ('3. Borgernes ...', '4. Udsatte ...') is not a group heading: its row before carries
    the number below it."""
    toc_groups = {e.number: e.title for e in toc if "." not in e.number}
    previous_number: int | None = None
    for k in range(start, end):
        text = rows[k].text
        match = _group_row(rows, k)
        list_number = re.match(r"^(\d{1,2})[.)]\s", text)
        if match and int(match.group("g")) == group + 1 and previous_number != group and len(text) < 90:
            title = match.group("title")
            if rows[k].bold is not False and not _ends_sentence(title) and (
                    not toc_groups or _similar(title, toc_groups.get(match.group("g"), "")) >= TOC_MATCH):
                return k
        if list_number:
            previous_number = int(list_number.group(1))
    return end


def closed_title(title: str) -> tuple[str, bool]:
    """'Lukket punkt: Title', '(Lukket) Title', 'Title (Lukket)' → (Title, True); '(Åben) Title' → (Title, False)."""
    match = CLOSED.match(title)
    if match:
        return (match.group("title") or match.group("before")).strip(), True
    return OPEN.sub("", title), False
