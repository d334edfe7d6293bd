"""The one table of section headings the templates use, mapped to canonical section names.

KKR/KL Prepare, Aarhus FirstAgenda, Ballerup eDoc and Syddjurs Acadre all share the same few
canonical sections under different words; a heading not in this table is body text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from types import MappingProxyType

# heading as written (casefolded, without a trailing colon) -> canonical name
HEADINGS: dict[str, str] = {
    "baggrund": "Baggrund",
    "resumé": "Resumé",
    "resume": "Resumé",
    "sammendrag": "Resumé",
    "sagsfremstilling": "Sagsfremstilling",
    "sagsforløb": "Sagsfremstilling",
    "supplerende sagsfremstilling": "Sagsfremstilling",
    "indstilling": "Indstilling",
    "det indstilles": "Indstilling",
    "beslutningspunkter": "Indstilling",
    "beslutning": "Beslutning",
    "beslutninger": "Beslutning",
    "bilag": "Bilag",
    # headings some templates use that stay sections under their own name
    "økonomiske konsekvenser og finansiering": "Økonomiske konsekvenser og finansiering",
    "økonomi og organisatoriske konsekvenser": "Økonomi og organisatoriske konsekvenser",
    "økonomiske konsekvenser": "Økonomiske konsekvenser",
    "beslutningen træffes af": "Beslutningen træffes af",
    "sagen afgøres i": "Sagen afgøres i",
}

# 'Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1[: text]',
# 'Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 24-04-2013'
_DATED_DECISION = re.compile(
    r"^(?:(?P<who>[\wæøåÆØÅ.,()\- ]{3,120}?s) )?beslutning(?:er)?(?: (?:i |fra )?(?P<where>[^:]{2,120}?))? den "
    r"(?P<date>\d{1,2}[.-]\s?\d{1,2}[.-]\s?\d{2,4}|\d{1,2}\. \w+ \d{4})"
    r"(?: punkt \d+)?(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
# a committee-and-date line heading the decision: 'Kultur- og Idrætsudvalget, 03-04-2019, pkt. 42',
# 'Økonomiudvalget den 6. oktober 2014'
_COMMITTEE_DATE = re.compile(
    r"""^(?P<who>[A-ZÆØÅ][\wæøå.()\- ]{2,80}?(?:udvalg(?:et)?|rådet|råd|bestyrelsen|byrådet|[Uu]dvalget\s.{2,40}))
        (?:,\s*|\s+den\s+)
        (?P<date>\d{1,2}[.-]\d{1,2}[.-]\d{2,4}|\d{1,2}\.\s\w+\s\d{4})
        (?:,?\s*(?:pkt|punkt)\.?\s*\d{1,4})?\s*:?$""", re.VERBOSE)


# FirstAgenda: 'Borgmesterens Afdelings påtegning' (an office's endorsement of the recommendation)
_ENDORSEMENT = re.compile(r"^[A-ZÆØÅ][\wæøå -]{2,60}s påtegning$")
# a party's proposal or an office's recommendation printed inside an item: 'BESLUTNINGSFORSLAG FRA DD'
_DOCUMENT_TITLE = re.compile(
    r"^(?P<kind>BESLUTNINGSFORSLAG|ÆNDRINGSFORSLAG|FORSLAG|INDSTILLING) FRA [A-ZÆØÅ][^a-zæøå]*$")
PROPOSAL = "Beslutningsforslag"


# the headings of the document being parsed: its template's own words and the labels it repeats under items
_DOCUMENT_HEADINGS: ContextVar[Mapping[str, str]] = ContextVar("document_headings",
                                                                 default=MappingProxyType({}))
# 'Beslutning: Godkendt.': a heading inline with its text (a short label, then a colon and the text)
_INLINE = re.compile(r"^(?P<label>[A-ZÆØÅ][\wæøå ./-]{1,40}?)\s*:\s+(?P<rest>\S.*)$")
INLINE_NAMES = frozenset({"Resumé", "Baggrund", "Sagsfremstilling", "Indstilling", "Beslutning"})


@contextmanager
def document_headings(headings: Mapping[str, str]) -> Iterator[None]:
    """Make a document's own headings (casefolded label -> section name) known while it is parsed."""
    token = _DOCUMENT_HEADINGS.set(headings)
    try:
        yield
    finally:
        _DOCUMENT_HEADINGS.reset(token)


def heading_name(text: str) -> str | None:
    """The canonical section name if the whole line is a known heading, else None."""
    key, known = _vocabulary_heading(text)
    extra = _DOCUMENT_HEADINGS.get()
    return extra[key] if key in extra else known


_LABEL_END = re.compile(r"\s*[:.]\s*$")


@lru_cache(maxsize=1 << 16)
def _vocabulary_heading(text: str) -> tuple[str, str | None]:
    """The line's label casefolded ('Beslutning:', typed 'Beslutning.' -> 'beslutning') and the vocabulary's
    heading for it, whatever document it is in: asked of every line several times while a document is parsed,
    and lines recur (page furniture, labels)."""
    stripped = text.strip()
    key = _LABEL_END.sub("", stripped).casefold()
    if key in HEADINGS:
        return key, HEADINGS[key]
    if _ENDORSEMENT.match(stripped):
        return key, "Påtegning"
    return key, _misread(key)


def _misread(key: str) -> str | None:
    """A long heading word OCR misread in one letter ('Indstiliing'): the same length, one letter different.
    Short words are left alone ('Bilag' and 'Bilar' are both words)."""
    if len(key) < MIN_MISREAD_CHARS or " " in key:
        return None
    for known, name in HEADINGS.items():
        if len(known) == len(key) and sum(a != b for a, b in zip(known, key, strict=True)) == 1:
            return name
    return None


MIN_MISREAD_CHARS = 9


@lru_cache(maxsize=1 << 16)  # asked of every row by several passes of a parse
def document_title(text: str) -> str | None:
    """'BESLUTNINGSFORSLAG FRA KF OG M' → 'Beslutningsforslag'; 'INDSTILLING FRA ...' → 'Sagsfremstilling'."""
    match = _DOCUMENT_TITLE.match(text.strip())
    if not match:
        return None
    return "Sagsfremstilling" if match.group("kind") == "INDSTILLING" else PROPOSAL


@lru_cache(maxsize=1 << 16)  # asked of every row by several passes of a parse
def dated_decision(text: str) -> tuple[str, str] | None:
    """(heading, text after a colon) for a dated decision heading line, else None."""
    match = _DATED_DECISION.match(text.strip())
    if not match:
        return (text.strip().rstrip(" :"), "") if _COMMITTEE_DATE.match(text.strip()) else None
    rest = (match.group("rest") or "").strip()
    heading = text.strip()[: len(text.strip()) - len(rest)].rstrip(" :") if rest else text.strip()
    return heading, rest


@lru_cache(maxsize=1 << 16)  # asked of every row by several passes of a parse
def decision_meeting(text: str) -> tuple[str | None, str] | None:
    """(deciding body, date as written) of a dated decision heading: 'Sundheds- og Forebyggelsesudvalgets
    beslutning den 04.12.2012' → ('Sundheds- og Forebyggelsesudvalget', '04.12.2012')."""
    match = _DATED_DECISION.match(text.strip()) or _COMMITTEE_DATE.match(text.strip())
    if not match:
        return None
    who = match.group("who")
    if "where" not in match.re.groupindex:
        return who.strip(), match.group("date")
    body = who[:-1] if who else match.group("where")
    return (body.strip() if body else None), match.group("date")


def inline_heading(text: str) -> tuple[str, str, str] | None:
    """(section name, label, text) for 'Beslutning: Godkendt.' or a document's own 'Referat: Alle ...'."""
    match = _INLINE.match(text.strip())
    if not match:
        return None
    label = match.group("label")
    key = label.casefold()
    extra = _DOCUMENT_HEADINGS.get()
    name = extra.get(key) or (HEADINGS.get(key) if HEADINGS.get(key) in INLINE_NAMES else None)
    return (name, label, match.group("rest").strip()) if name else None
