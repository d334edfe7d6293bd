"""The one table of section headings the templates use, mapped to canonical section names.

KKR/KL Prepare, Aarhus FirstAgenda, Ballerup eDoc and Syddjurs Acadre all share the same few
canonical sections under different words; a heading not in this table is body text.
"""
from __future__ import annotations

import re

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
    r"^(?:(?P<who>[\wæøåÆØÅ.,()\- ]{3,120}?s) )?beslutning(?:er)?(?: i (?P<where>[^:]{2,120}?))? den "
    r"(?P<date>\d{1,2}[.-]\s?\d{1,2}[.-]\s?\d{2,4}|\d{1,2}\. \w+ \d{4})"
    r"(?: punkt \d+)?(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)


# FirstAgenda: 'Borgmesterens Afdelings påtegning' (an office's endorsement of the recommendation)
_ENDORSEMENT = re.compile(r"^[A-ZÆØÅ][\wæøå -]{2,60}s påtegning$")
# a party's proposal or an office's recommendation printed inside an item: 'BESLUTNINGSFORSLAG FRA DD'
_DOCUMENT_TITLE = re.compile(
    r"^(?P<kind>BESLUTNINGSFORSLAG|ÆNDRINGSFORSLAG|FORSLAG|INDSTILLING) FRA [A-ZÆØÅ][^a-zæøå]*$")
PROPOSAL = "Beslutningsforslag"


def heading_name(text: str) -> str | None:
    """The canonical section name if the whole line is a known heading, else None."""
    key = re.sub(r"\s*:\s*$", "", text.strip()).casefold()
    if key in HEADINGS:
        return HEADINGS[key]
    return "Påtegning" if _ENDORSEMENT.match(text.strip()) else None


def document_title(text: str) -> str | None:
    """'BESLUTNINGSFORSLAG FRA KF OG M' → 'Beslutningsforslag'; 'INDSTILLING FRA ...' → 'Sagsfremstilling'."""
    match = _DOCUMENT_TITLE.match(text.strip())
    if not match:
        return None
    return "Sagsfremstilling" if match.group("kind") == "INDSTILLING" else PROPOSAL


def dated_decision(text: str) -> tuple[str, str] | None:
    """(heading, text after a colon) for a dated decision heading line, else None."""
    match = _DATED_DECISION.match(text.strip())
    if not match:
        return None
    rest = (match.group("rest") or "").strip()
    heading = text.strip()[: len(text.strip()) - len(rest)].rstrip(" :") if rest else text.strip()
    return heading, rest


def decision_meeting(text: str) -> tuple[str | None, str] | None:
    """(deciding body, date as written) of a dated decision heading: 'Sundheds- og Forebyggelsesudvalgets
    beslutning den 04.12.2012' → ('Sundheds- og Forebyggelsesudvalget', '04.12.2012')."""
    match = _DATED_DECISION.match(text.strip())
    if not match:
        return None
    who = match.group("who")
    body = who[:-1] if who else match.group("where")
    return (body.strip() if body else None), match.group("date")
