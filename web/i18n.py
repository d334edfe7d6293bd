"""Danish first: templates are written in Danish and `_()` translates to English when asked.

The catalogue is a plain mapping in this module (no compile step at install); the language comes
from `?lang=` and otherwise the browser's Accept-Language, Danish when neither says English.
"""
from __future__ import annotations

from datetime import date

LANGUAGES = ("da", "en")

MONTHS = {
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}

EN: dict[str, str] = {
    "Mødearkiv": "Meeting archive",
    "Læsesal for kommunale mødereferater": "Reading room for municipal meeting records",
    "Gå til indhold": "Skip to content",
    "Søg": "Search",
    "Søgning": "Search",
    "Søgeord": "Search terms",
    "Søg i dagsordener og referater": "Search agendas and minutes",
    "Fra dato": "From date",
    "Til dato": "To date",
    "Sortering": "Sort",
    "Relevans": "Relevance",
    "Nyeste først": "Newest first",
    "Ældste først": "Oldest first",
    "Afgræns": "Refine",
    "Fjern filter": "Remove filter",
    "Aktive filtre": "Active filters",
    "Organ": "Body",
    "Kommune": "Municipality",
    "Type": "Kind",
    "År": "Year",
    "Afsnit": "Section",
    "Lukket punkt": "Closed item",
    "lukket": "closed",
    "åben": "open",
    "Ingen resultater.": "No results.",
    "resultater": "results",
    "resultat": "result",
    "Side": "Page",
    "side": "page",
    "af": "of",
    "Forrige": "Previous",
    "Næste": "Next",
    "Forrige side": "Previous page",
    "Næste side": "Next page",
    "Sider i resultatlisten": "Result pages",
    "Hent som CSV": "Download as CSV",
    "Hent som JSON": "Download as JSON",
    "Beslutning": "Decision",
    "Indstilling": "Proposal",
    "Også i": "Also in",
    "uden for datointervallet": "outside the date range",
    "Skriv et eller flere ord for at søge.": "Type one or more words to search.",
    "Søgesyntaks": "Query syntax",
    "Møde": "Meeting",
    "Dato": "Date",
    "Tidspunkt": "Time",
    "Sted": "Place",
    "Stadier": "Stages",
    "Kilder": "Sources",
    "Deltagere": "Participants",
    "Til stede": "Present",
    "Afbud": "Absent",
    "Indhold": "Contents",
    "Punkter": "Items",
    "Punkt": "Item",
    "Sag": "Case",
    "Sagsnummer": "Case number",
    "Sagens forløb": "Case timeline",
    "Bilag": "Attachments",
    "Beslutninger": "Decisions",
    "truffet": "decided",
    "af organ": "by",
    "Vis siden": "Show the page",
    "Hele PDF-filen": "The whole PDF",
    "Original PDF på denne side": "Original PDF at this page",
    "Siden som billede": "The page as an image",
    "Sidens tekst": "Text of the page",
    "OCR-læst side": "OCR'd page",
    "ordenes placering er ikke gemt for denne side": "the words' places on this page are not stored",
    "Markerede ord": "Highlighted words",
    "sider": "pages",
    "Tilbage til punktet": "Back to the item",
    "Tilbage til mødet": "Back to the meeting",
    "Ingen punkter med dette sagsnummer.": "No items with this case number.",
    "Forslag": "Proposal",
    "Ingen beslutning registreret.": "No decision recorded.",
    "Siden findes ikke": "Page not found",
    "Ugyldig forespørgsel": "Bad request",
    "Fejl": "Error",
    "Gå til forsiden": "Go to the front page",
    "Der findes ikke noget her med den adresse.": "There is nothing at this address.",
    "Forespørgslen kunne ikke forstås": "The request could not be understood",
    "Søgningen kunne ikke forstås": "The search could not be understood",
    "møder i arkivet": "meetings in the archive",
    "Sprog": "Language",
    "dagsorden": "agenda",
    "referat": "minutes",
    "bilag": "attachment",
    "andet": "other",
    "ukendt dato": "unknown date",
    "Resultater": "Results",
    "Filtre": "Filters",
    "Uden for filtrene": "Hidden by filters",
    "Originalen kan ikke åbnes lige nu.": "The original cannot be opened right now.",
}


def pick_language(query_lang: str | None, accept: list[tuple[str, float]]) -> str:
    if query_lang in LANGUAGES:
        return query_lang  # type: ignore[return-value]
    for value, _quality in accept:  # best first
        code = value.lower()[:2]
        if code in LANGUAGES:
            return code
    return "da"


def translate(lang: str, text: str) -> str:
    return EN.get(text, text) if lang == "en" else text


def format_date(value: str | date | None, lang: str = "da") -> str:
    """`2025-10-24` -> `24. oktober 2025` (`24 October 2025` in English); unparsable input is shown as is."""
    if not value:
        return translate(lang, "ukendt dato")
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    month = MONTHS.get(lang, MONTHS["da"])[day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "da" else f"{day.day} {month} {day.year}"
