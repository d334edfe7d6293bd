"""Meeting facts from the front matter: kind, body, date, start time, location.

Read from the first rows (cover/header), falling back to page headers and to phrases in the text
('dagsordenen for møde den 11. april 2025') when the cover is missing.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.danish import KIND_WORDS, MONTHS, WEEKDAYS
from parsers.layout import Row
from parsers.model import Kind
from parsers.settings import DEFAULT, ParserSettings
from parsers.vocabulary import decision_meeting

FRONT_ROWS = DEFAULT.front_rows  # the cover and header live in the first rows
MIN_MENTIONS = 5  # a council named this often in a document without cover is its body
_COUNCIL = re.compile(r"\bKKR [A-ZÆØÅ][a-zæøå]+")

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
# a short month between hyphens or spaces, as some older systems print: '15-maj-2002', '3 okt. 2019'
_SHORT_MONTHS = {name[:3]: number for name, number in MONTHS.items()}
_SHORT_DATE = re.compile(r"\b(\d{1,2})[-. ]\s?(" + "|".join(  # the month abbreviated or whole, never a longer word
    f"{name[:3]}(?:{name[3:]})?" for name in MONTHS) + r")\.?[-\s]\s?(\d{4})\b",
                         re.IGNORECASE)
_TIME = re.compile(r"\b(?:kl\.?\s*)?([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_DATE_LABEL = re.compile(r"""^(?:møde)?dato\s*:?\s*(.+)$   # Dato: 29. januar 2020, Mødedato: 22.04.2021, kl. 17:30
                         """, re.IGNORECASE | re.VERBOSE)
# Tidspunkt: Kl. 19:00, Tid: 13:00 - 15:00, Mødetidspunkt: 9:30-11:00
_TIME_LABEL = re.compile(r"""^(?:[a-zæøå]*tid(?:spunkt)?(?:\s+for\s+mødet?)?|mødestart|kl\.?)\s*:\s*(.+)$
                         """, re.IGNORECASE | re.VERBOSE)  # Tid:, Mødetidspunkt:, Starttidspunkt for møde:
_PLACE_LABEL = re.compile(r"""^(?:sted|mødested|lokale|mødelokale)\s*:?\s+(.+)$   # Sted: Rådhuset, Lokale: 233
                          """, re.IGNORECASE | re.VERBOSE)
# a label alone on its row, its value in a column beside it: 'Dato:' 'Tid:' 'Sted:' then '6. oktober 2016' ...
_STACKED_LABEL = re.compile(r"^(?P<label>[A-ZÆØÅ][a-zæøå]{1,15}(?: [a-zæøå]{1,10})?)\s*:$")
_STACKED_KEYS = {"dato": "date", "mødedato": "date", "tid": "time", "tidspunkt": "time", "mødetid": "time",
                 "kl": "time", "sted": "place", "mødested": "place", "lokale": "place", "mødelokale": "place",
                 "starttidspunkt": "time", "mødestart": "time", "start": "time"}
# a title of parts joined by dashes or bars: 'Byrådet - Referat - 29. januar 2020', 'Referat | Økonomiudvalget | …'
_TITLE_PARTS = re.compile(r"^[^.:;]{2,60}?(?:\s[-–|]\s[^:;]{2,60}?){1,3}$")
_KIND_WORD = re.compile(r"\b(" + "|".join(KIND_WORDS) + r")\b", re.IGNORECASE)
_MEETING_DATE_PHRASE = re.compile(r"\bmøde(?:t)? (?:den|d\.) (\d{1,2}\. \w+ \d{4})", re.IGNORECASE)
_RUNNING_DATE = re.compile(r"\| (\d{1,2}-\d{1,2}-\d{4})$")
_WEEKDAY = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_OPEN_NAME_END = re.compile(r"\b(?:det|for|og|i|af|til|om)$")  # 'Embedsmandsudvalget for det' goes on below
_TIME_ONLY = re.compile(r"^(?:kl\.?\s*)?\d{1,2}[:.]\d{2}$", re.IGNORECASE)
MAX_PLACE_ROWS = 5
_BODY_PATTERNS = (
    re.compile(r"^(KKR\s+\w+)$", re.IGNORECASE),
    # 'Referat Aarhus Byråd d. 27-08-2025', 'Kommunalbestyrelsen', 'Referat - Regionsrådet 2018-2021',
    # 'VESTER EGEDE SOGNERÅD' (a parish council, to 1970; Danish OCR reads a typed capital O as Ø: 'SØGNERÅD')
    re.compile(r"^(?:(?:referat|dagsorden|beslutningsprotokol)\s*[-–]?\s+(?:for\s+|fra\s+)?)?"
               r"((?:[A-ZÆØÅ][\wæøå-]+\s+){0,2}?(?:Byråd|Kommunalbestyrelse|Regionsråd|S[oø]gneråd|Amtsråd)(?:n|et)?)"
               r"(?:\s+(?:d\.|den)\s+.*|\s+\d{4}\s?-\s?\d{4}"
               r"|\s*[-–]\s*(?:referat|dagsorden|beslutningsprotokol)(?:\s*[-–].*)?)?$",  # 'Byrådet - Referat'
               re.IGNORECASE),
    # 'Sundheds- og Forebyggelsesudvalget', 'Referat fra Økonomiudvalget', 'Udvalget for plan, udvikling og kultur'
    re.compile(r"^(?:(?:Referat|Dagsorden)\s+(?:for|fra|til)\s+)?"
               r"((?:[\wæøå-]+ og )?[\wÆØÅæøå-]*[uU]dvalg(?:et)?(?: for [\wæøå, ]+?)?(?: \([A-ZÆØÅ]+\))?)"
               r"(?:\s+(?:[a-zæøå]+dag\s+)?(?:den|d\.)\s+\d.*)?$"),  # 'udvalget torsdag den 20. april 2023'
    re.compile(r"^(?:Referat|Dagsorden) (?:[Ff]or|[Ff]ra|til) (.+?)(?: Side \d+)?$"),
    # the body named in a meeting phrase: 'Referat af møde i Klima- og Planudvalget', 'mødet i Økonomiudvalget',
    # 'Aalborg Byråds møde mandag den 11. december 2023, kl. 16.00 i Medborgerhuset'
    re.compile(r"""^(?:(?:Referat|Dagsorden|Beslutningsprotokol)\s+(?:af|for|fra|til)\s+)?(?:til\s+)?
                   (?:det\s+)?møde[t]?\s+i\s+([A-ZÆØÅ][\wæøå-]*(?:\s+(?:og|for|\w+-)\s*[\wæøåÆØÅ-]+)*)
                   (?:\s+(?:den|d\.)\s.*|,.*)?$""", re.VERBOSE | re.IGNORECASE),
    # 'Aalborg Byråds møde mandag den …', 'Social og sundheds møde den 17. april 2023'
    re.compile(r"^((?:[A-ZÆØÅ][\wæøå-]+\s+)?[A-ZÆØÅ][\wæøå-]+(?:\s+og\s+[a-zæøå][\wæøå-]+)?)s\s+møde\s+"
               r"(?:den\b|d\.|\w+dag\b)"),
)


# the place after the clock time in a date line: '..., kl. 16.00 i Medborgerhuset', 'kl. 13:00-15:00 på Rådhuset'
_PLACE_AFTER_CLOCK = re.compile(r"\bkl\.?\s*\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?,?\s+(?:i|på)\s+"
                                r"([A-ZÆØÅ].{2,100})$", re.IGNORECASE)


# a room named before the clock time: 'Ekstraordinært møde - Mødelokale F7 kl. 12.00', 'Byrådssalen, kl. 19.00'
_PLACE_BEFORE_CLOCK = re.compile(r"""(?:^|\s[-–|]\s)
    (?P<place>[^-–|,]*?(?:lokale|salen|sal|rådhus|rådhuset|huset|centret|centeret)\b[^-–|]*?)
    ,?\s+kl\.?\s*\d{1,2}[.:]\d{2}""", re.IGNORECASE | re.VERBOSE)


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    kind: Kind
    body: str | None
    date: str | None
    start_time: str | None
    location: str | None


def unspace(text: str) -> str:
    """'K K R  H O V E D S T A D E N' → 'KKR HOVEDSTADEN' (letter-spaced titles)."""
    if (re.fullmatch(r"(?:\w ?)+(?:  (?:\w ?)+)*", text) and re.search(r"\w \w \w", text)
            and all(len(token) == 1 for token in text.split())):  # 'mødet i Økonomiudvalget' is no spaced title
        return " ".join(word.replace(" ", "") for word in re.split(r"\s{2,}", text))
    return text


def title_case(text: str) -> str:
    """'KKR HOVEDSTADEN' → 'KKR Hovedstaden': all-caps words become capitalised, acronyms stay."""
    if not text.isupper():
        return text
    words = text.split()
    return " ".join(w if len(w) <= 3 else w.capitalize() for w in words)


def iso_date(text: str) -> str | None:
    """The first date in a text, as YYYY-MM-DD ('16-06-2026', '04.12.2012', '4. december 2012')."""
    numeric = _NUMERIC_DATE.search(text)
    worded = _WORD_DATE.search(text) or _SHORT_DATE.search(text)
    if numeric and (not worded or numeric.start() < worded.start()):
        day, month, year = (int(g) for g in numeric.groups())
    elif worded:
        name = worded.group(2).lower()
        day, month, year = int(worded.group(1)), MONTHS.get(name) or _SHORT_MONTHS[name[:3]], int(worded.group(3))
    else:
        return None
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def start_time(text: str) -> str | None:
    rest = _NUMERIC_DATE.sub(" ", text)
    match = _TIME.search(rest)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def first_sentence(text: str) -> str:
    """'Glostrup Park Hotel, Hovedvejen 41, Glostrup. Der er ...' → up to the first full stop."""
    match = re.match(r"(.+?[^\s.]{2})\.(?:\s|$)", text)
    return (match.group(1) if match else text).strip(" .")


def find_kind(rows: Sequence[Row], has_items: bool, has_decisions: bool) -> Kind:
    """dagsorden/referat from the cover word, else from the content; no items means bilag."""
    for row in rows[:FRONT_ROWS]:
        match = _KIND_WORD.search(unspace(row.text))
        if match and len(row.text) < 80:
            word = match.group(1).lower()
            if has_items:
                return "dagsorden" if word == "dagsorden" and not has_decisions else "referat"
    if not has_items:
        return "bilag"
    return "referat" if has_decisions else "dagsorden"


def find_body(rows: Sequence[Row], all_rows: Sequence[Row]) -> str | None:
    """The body named on the cover; without a cover, a council ('KKR Hovedstaden') the text keeps naming."""
    front = list(rows[:FRONT_ROWS])
    for pattern in _BODY_PATTERNS:
        for k, row in enumerate(front):
            match = pattern.search(unspace(row.raw.strip() or row.text))
            if match:
                name = match.group(1).strip()
                if _OPEN_NAME_END.search(name) and k + 1 < len(front):
                    name = f"{name} {front[k + 1].text}"  # the name wraps onto the next row
                name = title_case(name)
                return name[:1].upper() + name[1:]  # 'Dagsorden for byrådet': the body is a name
    deciding = [d[0] for d in (decision_meeting(row.text) for row in all_rows) if d and d[0]]
    if deciding:
        return deciding[-1]  # a single-item print: 'Sundheds- og Forebyggelsesudvalgets beslutning den ...'
    mentions = Counter(m.group(0) for row in all_rows for m in _COUNCIL.finditer(row.text))
    if mentions:
        name, count = mentions.most_common(1)[0]
        if count >= MIN_MENTIONS:
            return name
    return None


def _front_time(rows: Sequence[Row]) -> str | None:
    """'tirsdag den 4. december 2012, kl. 13:00' / 'Kl. 10:30' on the cover."""
    for row in rows[:FRONT_ROWS]:
        if re.search(r"\bkl\.?\s*\d", row.text, re.IGNORECASE):
            return start_time(row.text)
    return None


def stacked_labels(rows: Sequence[Row]) -> dict[str, str]:
    """'Dato:' / 'Tid:' / 'Sted:' printed under each other, their values after them in the same order:
    {'date': '6. oktober 2016', 'time': '13:00 - 15:00', 'place': 'Rådhuset lokale 233'}."""
    front = list(rows[:FRONT_ROWS])
    k = 0
    while k < len(front):
        labels: list[str] = []
        while k < len(front) and _STACKED_LABEL.match(front[k].text):
            labels.append(_STACKED_LABEL.match(front[k].text).group("label").casefold())  # type: ignore[union-attr]
            k += 1
        if len(labels) >= 2 and any(label in _STACKED_KEYS for label in labels):
            values = [r.text for r in front[k:k + len(labels)]]
            return {_STACKED_KEYS[label]: value for label, value in zip(labels, values, strict=False)
                    if label in _STACKED_KEYS}
        k += 1
    return _label_over_value(front)


def _label_over_value(rows: Sequence[Row]) -> dict[str, str]:
    """A cover of small bold labels each over its value ('STED' / 'Kanalstræde 2, mødelokale 0.21',
    'STARTTIDSPUNKT' / '04-06-2020 09:00:00'): the values of the labels it knows; a time label's value
    that carries the date gives the date too."""
    out: dict[str, str] = {}
    for row, value in zip(rows, rows[1:], strict=False):
        label = row.text.strip().rstrip(" :").casefold()
        key = _STACKED_KEYS.get(label)
        if (key and key not in out and row.bold and value.bold is False
                and (row.text.isupper() or row.text.rstrip().endswith(":"))
                and (row.size or 0) <= (value.size or 0)):
            out[key] = value.text.strip()
    if out.get("time") and "date" not in out and iso_date(out["time"]):
        out["date"] = out["time"]
    return out if len(out) >= 2 else {}


def _date_only(text: str) -> bool:
    """The row is a date (and perhaps a time), not a sentence that mentions one."""
    rest = _TIME.sub(" ", _WORD_DATE.sub(" ", _NUMERIC_DATE.sub(" ", text)))
    return len(re.findall(r"[A-Za-zæøåÆØÅ]{2,}", rest)) <= 1 and not re.search(r"[.;:]\s*\w", rest)


def stacked_label(text: str) -> bool:
    """'Dato:' alone on its row, a cover label whose value stands in a column beside it."""
    match = _STACKED_LABEL.match(text)
    return bool(match and match.group("label").casefold() in _STACKED_KEYS)


def _labelled_time(rows: Sequence[Row]) -> str | None:
    for row in rows[:FRONT_ROWS]:
        label = _TIME_LABEL.match(row.text)
        if label and start_time(label.group(1)):
            return start_time(label.group(1))
    return None


def find_date_time(rows: Sequence[Row], all_rows: Sequence[Row],
                   bare_dates: bool = True) -> tuple[str | None, str | None]:
    stacked = stacked_labels(rows)
    if stacked.get("date") and iso_date(stacked["date"]):
        when = stacked.get("time", "")
        return iso_date(stacked["date"]), start_time(when) or start_time(stacked["date"]) or _front_time(rows)
    for row in rows[:FRONT_ROWS]:
        label = _DATE_LABEL.match(row.text)
        if label and iso_date(label.group(1)):
            return iso_date(label.group(1)), (start_time(label.group(1)) or _labelled_time(rows)
                                              or _front_time(rows))
    for row in rows[:FRONT_ROWS]:  # 'tirsdag den 4. december 2012, kl. 13:00', 'Torsdag den 20. juni 2013'
        if iso_date(row.text) and (_WEEKDAY.search(row.text) or re.search(r"\bkl\.", row.text, re.IGNORECASE)):
            return iso_date(row.text), start_time(row.text) or _labelled_time(rows) or _front_time(rows)
    for row in rows[:FRONT_ROWS]:  # a date on a row of its own: '24-09-2019', '08-03-2021 16:00'
        if bare_dates and iso_date(row.text) and _date_only(row.text):
            return iso_date(row.text), start_time(row.text) or _labelled_time(rows) or _front_time(rows)
    for row in rows[:FRONT_ROWS]:  # the cover title names the kind and the date: 'Økonomiudvalget – Referat – 1. ...'
        if iso_date(row.text) and len(row.text) <= 100 and _KIND_WORD.search(row.text) and _TITLE_PARTS.match(row.text):
            return iso_date(row.text), _labelled_time(rows) or _front_time(rows)
    for row in all_rows:  # page headers 'KKR Hovedstaden | 11-04-2025', 'Dato: 04.12.2012'
        match = _RUNNING_DATE.search(row.text) or _DATE_LABEL.match(row.text)
        if match and iso_date(match.group(1)):
            return iso_date(match.group(1)), None
    decided = [iso_date(d[1]) for d in (decision_meeting(row.text) for row in all_rows) if d]
    if decided and decided[-1]:  # the latest dated decision is this meeting's (earlier ones are the case history)
        return decided[-1], _labelled_time(rows) or _front_time(rows)
    joined = " ".join(row.text for row in rows[:FRONT_ROWS])  # 'dagsordenen for møde den 11. april 2025'
    match = _MEETING_DATE_PHRASE.search(joined)
    if match and iso_date(match.group(1)):
        return iso_date(match.group(1)), _labelled_time(rows) or _front_time(rows)
    return None, None


def find_location(rows: Sequence[Row]) -> str | None:
    stacked = stacked_labels(rows)
    if stacked.get("place"):
        return first_sentence(stacked["place"])
    for row in rows[:FRONT_ROWS]:
        label = _PLACE_LABEL.match(row.text)
        if label:  # 'Sted: Rådhuset'; without a colon the word names the room: 'Mødelokale Vandværket'
            named = ":" not in row.text[:label.start(1)] and row.text.casefold().startswith(("lokale", "mødelokale"))
            return first_sentence(row.text if named else label.group(1))
    for row in rows[:FRONT_ROWS]:  # 'i Mødecenter C, Lokale 32 på Ballerup Rådhus'
        match = re.match(r"^i ([A-ZÆØÅ].{3,100})$", row.text)
        if match:
            return match.group(1).strip()
    for row in rows[:FRONT_ROWS]:  # 'Den 09.01.2020 kl. 13:00 i Tapperiet, Sdr. Badevej 1, 4600 Køge'
        match = _PLACE_AFTER_CLOCK.search(row.text) if iso_date(row.text) else None
        if match:
            return match.group(1).strip(" .")
    for row in rows[:FRONT_ROWS]:  # 'Ekstraordinært møde - Mødelokale F7 kl. 12.00'
        match = _PLACE_BEFORE_CLOCK.search(row.text)
        if match:
            return match.group("place").strip(" ,.")
    return _place_after_time(rows[:FRONT_ROWS])


def _place_after_time(rows: Sequence[Row]) -> str | None:
    """A cover that prints the place as address lines under the time ('Kl. 10:30' / 'Kaløvig Kursuscenter' /
    'Præstekravevej 46' / ...): the rows of the same block, joined with commas."""
    for k, row in enumerate(rows):
        if not _TIME_ONLY.match(row.text):
            continue
        lines: list[str] = []
        for below in rows[k + 1:k + 1 + MAX_PLACE_ROWS]:
            if below.para_start or len(below.text) > 60 or re.search(r"[.:;]$", below.text):
                break
            lines.append(below.text)
        return ", ".join(lines) or None
    return None


def _largest_name(rows: Sequence[Row]) -> str | None:
    """A cover without a known body word: the name set largest on the first page (not the kind, a date or
    a label), 'Mødesystemgruppen' over 'Tværgående møder'."""
    # an OCR row's size is its words' box height (descenders and all), not a type size: only a text layer says
    front = [r for r in rows[:FRONT_ROWS] if r.page == rows[0].page and r.size and r.has_layout]
    names = [r for r in front if 3 <= len(r.text) <= 80 and not _KIND_WORD.fullmatch(unspace(r.text).strip())
             and not iso_date(r.text) and not r.text.endswith(":") and not re.search(r"\d{1,2}[:.]\d{2}", r.text)
             and not re.search(r"[.;,]$", r.text)]
    if not names:
        return None
    largest = max(r.size or 0 for r in names)
    body_size = Counter(round(r.size or 0) for r in rows).most_common(1)[0][0]
    if largest <= body_size:
        return None  # nothing on the cover stands out
    return title_case(unspace(next(r for r in names if r.size == largest).text))


def meeting_facts(raw_rows: Sequence[Row], has_items: bool, has_decisions: bool, front_end: int | None = None,
                  settings: ParserSettings = DEFAULT) -> MeetingFacts:
    """Everything about the meeting itself, from rows before headers/footers were stripped; the date and
    time only from the front matter and headings, never from a sentence in an item."""
    front = raw_rows[:front_end] if front_end else raw_rows
    date, time = find_date_time(front if front else raw_rows, raw_rows, bare_dates=has_items)
    body = find_body(raw_rows, raw_rows) or (_largest_name(raw_rows) if has_items else None)
    return MeetingFacts(kind=find_kind(raw_rows, has_items, has_decisions), body=body,
                        date=date, start_time=time, location=find_location(front if front else raw_rows))
