"""Danish words the parser reads by: month names, weekdays, function words and the canonical sections.

One place for each list, so a template or a rule never carries its own copy.
"""
from __future__ import annotations

from enum import StrEnum

MONTHS: dict[str, int] = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7, "august": 8,
    "september": 9, "oktober": 10, "november": 11, "december": 12,
}
WEEKDAYS: tuple[str, ...] = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
# words that end a name or title which goes on on the next row ('Udvalget for det' / 'tekniske område')
OPEN_END_WORDS: tuple[str, ...] = ("og", "i", "for", "til", "af", "på", "med", "om", "fra", "ved", "under",
                                   "efter", "mellem", "samt", "det")
FUNCTION_WORDS: frozenset[str] = frozenset({"og", "for", "af", "i", "til", "med", "på", "om", "der", "det",
                                            "skal", "er"})
KIND_WORDS: tuple[str, ...] = ("dagsorden", "referat", "beslutningsprotokol")


class SectionName(StrEnum):
    """The canonical section names every template's headings map onto."""

    RESUME = "Resumé"
    BAGGRUND = "Baggrund"
    SAGSFREMSTILLING = "Sagsfremstilling"
    INDSTILLING = "Indstilling"
    BESLUTNING = "Beslutning"
    BILAG = "Bilag"
    BESLUTNINGSFORSLAG = "Beslutningsforslag"
    PAATEGNING = "Påtegning"
