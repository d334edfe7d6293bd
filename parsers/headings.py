"""Section headings a document teaches by itself: a short label ending in a colon that it prints under
item after item ('Oplæg:', 'Referat:', 'Drøftelse:'), named as printed unless the vocabulary knows it.

This is how a layout nobody wrote a template for still gets its sections: a label repeated in the same
form is structure, a label printed once ('Bemærk:') is body text.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from parsers.layout import Row
from parsers.settings import DEFAULT, ParserSettings
from parsers.templates import GENERIC
from parsers.vocabulary import HEADINGS, heading_name

# 'Oplæg:' alone, or 'Referat: Alle skal have indhold.' (letters only, at most four words)
_LABEL = re.compile(r"^(?P<label>[A-ZÆØÅ][a-zæøå]+(?:[ -][a-zæøåA-ZÆØÅ]+){0,3})\s*:(?:\s+\S.*)?$")
# labels of the cover and of an item's metadata, never sections
META_LABELS = frozenset({
    "dato", "mødedato", "tid", "tidspunkt", "mødetid", "sted", "mødested", "lokale", "mødelokale", "deltagere",
    "mødedeltagere", "afbud", "fraværende", "til stede", "tilstede", "referent", "mødeleder", "initialer",
    "sagsnr", "sagsid", "dok", "dokumentnr", "bilag", "emne", "udvalg", "forfatter", "kopi", "noter", "note",
})


# a repeated label that names a canonical section although a cover uses the same word for the document
LEARNED_NAMES = {"referat": "Beslutning", "beslutning": "Beslutning", "drøftelse": "Beslutning"}


# a row where a new item may begin: a numbered heading ('1.1 Status siden sidst', '7. Title', 'Punkt 7: Title',
# '1 (Åben) Godkendelse'), a number label ('Pkt. 42', 'Sag nr. 129') or a case-number row
_NUMBERED_ROW = re.compile(r"""^(?:(?:Punkt\s+|Pkt\.\s*|Sag\s+nr\.\s*)?
                                  \d{1,3}(?:\.\d{1,2})*[.:]?\s+(?:\(\w+\)\s+)?[A-ZÆØÅ]
                               |(?:Punkt|Pkt\.|Sag\s+nr\.|Dagsordenspunkt)\s*\d{1,4}\s*:?$)""", re.VERBOSE)
# a heading alone on its row without a colon ('Sagens kerne'): set in bold (a PDF text layer says), short, no digits
_BARE = re.compile(r"^(?P<label>[A-ZÆØÅ][a-zæøå]+(?:[ -][a-zæøåA-ZÆØÅ]+){0,3})$")


def learned_headings(rows: Sequence[Row], settings: ParserSettings = DEFAULT) -> dict[str, str]:
    """casefolded label -> section name, for the labels printed at paragraph starts under enough different
    numbered headings (a label repeated inside one chapter of a report is that chapter's own list)."""
    counts: Counter[str] = Counter()
    printed: dict[str, str] = {}
    seen: set[tuple[str, int]] = set()
    context = -1
    for k, row in enumerate(rows):
        if _NUMBERED_ROW.match(row.text) or GENERIC.case_match(row.text):
            context = k
            continue
        match = _LABEL.match(row.text)
        if not match or not (row.para_start or row.text.rstrip().endswith(":")):
            match = _BARE.match(row.text) if row.bold and len(row.text) <= settings.max_heading_chars \
                else None
        if not match:
            continue
        label = match.group("label")
        key = label.casefold()
        if key in META_LABELS or context < 0 or (key, context) in seen or (
                key not in LEARNED_NAMES and heading_name(label)):  # the vocabulary knows it already
            continue
        seen.add((key, context))
        counts[key] += 1
        printed.setdefault(key, label)
    return {key: LEARNED_NAMES.get(key) or HEADINGS.get(key, printed[key]) for key, n in counts.items()
            if n >= settings.min_repeated_heading}


def _bare(text: str) -> re.Match[str] | None:
    """A bare label as printed or in capitals ('Økonomi', 'ØKONOMI'), matched in its capitalised form."""
    label = text.strip().rstrip(" :")
    return _BARE.match(label.capitalize() if label.isupper() else label)


def _style(row: Row) -> tuple[bool, float] | None:
    return (True, round(row.size or 0.0, 1)) if row.bold else None


def styled_headings(rows: Sequence[Row], settings: ParserSettings = DEFAULT) -> dict[str, str]:
    """casefolded label -> section name, for short bare rows set in the style (bold, same size) the document
    uses for the headings the vocabulary knows ('Resume', 'Indstilling'), standing over plain text: a heading
    printed only once ('Beslutningskompetence', 'Økonomi') is still a heading when it looks like the others."""
    styles: Counter[tuple[bool, float]] = Counter()
    for row in rows:
        style = _style(row)
        if style and heading_name(row.text) and _bare(row.text):
            styles[style] += 1
    known = {style for style, n in styles.items() if n >= settings.min_repeated_heading}
    if not known:
        return {}
    out: dict[str, str] = {}
    context = -1
    for k, row in enumerate(rows[:-1]):
        if _NUMBERED_ROW.match(row.text) or GENERIC.case_match(row.text):
            context = k
            continue
        nxt = rows[k + 1]
        match = _bare(row.text)
        under_title = k == context + 1 and not GENERIC.case_match(rows[context].text)  # 'Pkt. 42' / its title
        if (not match or context < 0 or under_title or _style(row) not in known or nxt.bold is not False
                or len(row.text) > settings.max_heading_chars or row.text.rstrip().endswith(":")  # 'Tidsplan:' in text
                or _NUMBERED_ROW.match(nxt.text) or GENERIC.case_match(nxt.text)):  # a title over its number
            continue
        label = match.group("label")
        key = label.casefold()
        if key in META_LABELS or heading_name(label):
            continue
        out.setdefault(key, HEADINGS.get(key, label))
    return out


def _own_line(rows: Sequence[Row], k: int) -> bool:
    """OCR text has no type styles: a heading is a short row that starts a paragraph and whose text goes on in
    the row below, in the same paragraph ('Økonomi' / 'Budgetopfølgningen pr. 31. januar ...')."""
    row = rows[k]
    return (row.para_start and k + 1 < len(rows) and not rows[k + 1].para_start and rows[k + 1].page == row.page
            and not _NUMBERED_ROW.match(rows[k + 1].text))


def shaped_headings(rows: Sequence[Row], settings: ParserSettings = DEFAULT) -> dict[str, str]:
    """casefolded label -> section name, for rows without layout (OCR, text files) shaped like the headings the
    vocabulary knows in the same document: a bare label alone at a paragraph start over its text. Needs the
    document to print known headings that way, so a one-line paragraph in an ordinary text is never one."""
    if any(row.has_layout for row in rows):
        return {}
    known = sum(1 for k, row in enumerate(rows) if heading_name(row.text) and _bare(row.text) and _own_line(rows, k))
    if known < settings.min_repeated_heading:
        return {}
    out: dict[str, str] = {}
    context = -1
    for k, row in enumerate(rows):
        if _NUMBERED_ROW.match(row.text) or GENERIC.case_match(row.text):
            context = k
            continue
        match = _bare(row.text)
        if (not match or context < 0 or k == context + 1 or len(row.text) > settings.max_heading_chars // 2
                or not _own_line(rows, k) or (k > 0 and heading_name(rows[k - 1].text))):
            continue
        label = match.group("label")
        key = label.casefold()
        if key in META_LABELS or heading_name(label) or " " in label or not _closes_before_structure(rows, k):
            continue
        out.setdefault(key, HEADINGS.get(key, label))
    return out


def _closes_before_structure(rows: Sequence[Row], k: int) -> bool:
    """The label's one paragraph ends where a known heading, the next item or the document's end follows: it
    stands among the item's sections, not among the topic lines of a long narrative."""
    j = k + 1
    while j < len(rows) and not rows[j].para_start:
        j += 1
    return j >= len(rows) or bool(heading_name(rows[j].text) or _NUMBERED_ROW.match(rows[j].text)
                                  or GENERIC.case_match(rows[j].text))


def merged(*tables: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for table in tables:
        out.update(table)
    return out
