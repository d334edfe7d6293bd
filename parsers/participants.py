"""Participants: `Deltagere`/`Tilstede`/`Medlemmer` (present) and `Afbud`/`Fraværende` (absent) lists.

Rows look like `Name (P), X Kommune`, `Name (P) - formand`, with a substitute written as
`(suppleant for Name (P), Kommune)` or `, suppleant for Name`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from parsers.danish import FUNCTION_WORDS
from parsers.layout import Row
from parsers.model import Participant
from parsers.normalize import join_lines
from parsers.settings import DEFAULT, ParserSettings
from parsers.vocabulary import heading_name

# a heading alone ('Deltagere', 'Til stede:') or with the first name after it ('Deltagere: Jeppe Kirkegaard')
_PRESENT = re.compile(r"""^(?:deltagere|mødedeltagere|tilstede|til\s+stede|medlemmer(?:\s+af\s+\w+)?|deltagerliste
                             |fremmødte)
                          \s*(?::\s*(?P<rest>.*))?$""", re.IGNORECASE | re.VERBOSE)
_ABSENT = re.compile(r"""^(?:afbud(?:\s+fra)?|fraværende(?:\s+med\s+afbud)?|afbud/fraværende|fravær|forfald)
                         # Afbud fra:, Fraværende:, Fraværende med afbud:
                         \s*(?::\s*(?P<rest>.*))?$""", re.IGNORECASE | re.VERBOSE)
# a name alone on its row in a member list ('Tilde Ølholm', 'Kasper Bang Nielsen')
_BARE_NAME = re.compile(r"^[A-ZÆØÅ][a-zæøåéü'-]+(?: (?:[A-ZÆØÅ][a-zæøåéü'-]+|[A-ZÆØÅ]\.)){1,4}$")
_STOP = re.compile(r"^(sekretær|øvrige deltagere|referent|mødeleder|indholdsfortegnelse|\d+\.\s)", re.IGNORECASE)
_PERSON = re.compile(
    r"^(?P<name>[A-ZÆØÅa-zæøåé][\w.'’ -]{2,60}?)\s*\((?P<party>[^()]{1,4})\)\s*,?\s*"
    r"(?P<rest>.*)$"
)
_SUBSTITUTE = re.compile(r"\(?\s*,?\s*suppleant for (?P<who>[^(),]+?)\s*(?:\([^()]{1,4}\))?\s*(?:,[^)]*)?\)?\s*$",
                         re.IGNORECASE)
_FUNCTION_WORDS = FUNCTION_WORDS
_PLACE_WORDS = frozenset({"Kommune", "Region", "Regionen", "Byråd", "Rådhus", "Rådhuset", "Udvalg", "Udvalget"})
_ROLE = re.compile(r"^[-–]\s*(?P<role>formand|næstformand|borgmester|viceborgmester)\b", re.IGNORECASE)
# a role printed between the name and the party: 'Heino Knudsen Formand (A)'
_ROLE_IN_NAME = re.compile(
    r"^(?P<name>.+?)\s+(?P<role>formand|næstformand|borgmester|viceborgmester)\s*(?P<rest>\(.*)?$", re.IGNORECASE)
# the party after a comma, perhaps a reason after it: 'Erling Larsen, (A)', 'Anne Vang, A, (ferie)'
_COMMA_PARTY = re.compile(r"^(?P<name>[^,()]{3,60}),\s*\(?(?P<party>[A-ZÆØÅ]{1,2})\)?(?:,\s*\([^()]*\))?$")
# one name of a running list 'Jens Ravn, Ole Kristensen og Britt Lund' or 'Johnny Søtrup (V), Henrik Vallø (C)'
_LISTED = re.compile(r"^[A-ZÆØÅ][\w'’.-]+(?:\s+[A-ZÆØÅ][\w'’.-]+){1,4}(?:\s*\([^()]{1,4}\))?$")
# a name in a sentence of an absence item: 'Der er afbud fra Martin Bech og Niels Salling.'
_NAME_IN_TEXT = re.compile(r"\b[A-ZÆØÅ][a-zæøåé'-]+(?:\s+[A-ZÆØÅ][a-zæøåé'-]+){1,3}\b")
# an item that records who is absent: 'Fraværende', 'Afbud', 'Meddelelse om fravær'
_ABSENCE_ITEM = re.compile(r"^(?:fraværende|afbud|fravær|forfald|meddelelse\s+om\s+(?:fravær|afbud))\.?$",
                           re.IGNORECASE)


def _looks_like_name(name: str) -> bool:
    """2-6 words, capitalised (one OCR-lowered initial allowed: 'djvind Vilsholm'), no function words."""
    words = name.split()
    lower = [w for w in words if not w[0].isupper()]
    return 2 <= len(words) <= 6 and len(lower) <= 1 and not any(w in _FUNCTION_WORDS for w in lower)


def _person(text: str, status: str) -> Participant | None:
    text = text.strip().rstrip(".").strip()
    role = None
    in_name = _ROLE_IN_NAME.match(text)
    if in_name and _looks_like_name(in_name.group("name")):
        role = in_name.group("role").lower()
        text = f"{in_name.group('name')} {in_name.group('rest') or ''}".strip()
    comma = _COMMA_PARTY.match(text)
    if comma and _looks_like_name(comma.group("name")):
        text = f"{comma.group('name').strip()} ({comma.group('party')})"
    person = _plain_person(text, status)
    return replace(person, role=person.role or role) if person and role else person


def _plain_person(text: str, status: str) -> Participant | None:
    match = _PERSON.match(text)
    if not match and _BARE_NAME.match(text.strip()) and text.split()[-1] not in _PLACE_WORDS:
        return Participant(name=text.strip(), status=status)  # type: ignore[arg-type]
    if not match or not _looks_like_name(match.group("name")):
        return None
    rest = match.group("rest").strip()
    substitute = None
    sub = _SUBSTITUTE.search(rest)
    if sub:
        substitute = sub.group("who").strip()
        rest = rest[: sub.start()].strip(" ,")
    role_match = _ROLE.match(rest)
    role = role_match.group("role").lower() if role_match else None
    municipality = rest.strip(" ,") if rest and not role_match else None
    return Participant(name=match.group("name").strip(), party=match.group("party").strip(),
                       municipality=municipality or None, status=status,  # type: ignore[arg-type]
                       substitute_for=substitute, role=role)


def _continues(text: str) -> bool:
    """The row's list goes on below: an open parenthesis, a hyphen, a comma, or a name cut after its first word
    ('…, Diana Mose Olsen (F), John' / 'Snedker (A)')."""
    last = text.rsplit(",", 1)[-1].strip()
    return (text.count("(") > text.count(")") or text.endswith(("-", ","))
            or ("," in text and bool(re.fullmatch(r"[A-ZÆØÅ][\w'-]+", last))))


def _listed(text: str) -> list[str] | None:
    """'Jens Ravn, Ole Kristensen, Britt Lund' → the names, when every comma-separated part is one."""
    parts = [p.strip(" .") for p in re.split(r",\s*|\s+og\s+", text) if p.strip(" .")]
    if len(parts) >= 2 and all(_LISTED.match(p) and not _PLACE_END.search(p)
                               and re.sub(r"\s*\(.*", "", p).split()[-1].lower() not in _ROLE_WORDS for p in parts):
        return parts
    return None


_PLACE_END = re.compile(r"(?:kommune|region(?:en)?|rådhus(?:et)?|udvalg(?:et)?|byråd(?:et)?)$", re.IGNORECASE)
_ROLE_WORDS = frozenset({"formand", "næstformand", "borgmester", "viceborgmester"})


def _entries(rows: Sequence[Row]) -> list[str]:
    """Rows → one text per person: a list row goes on below (`_continues`); a running list is split at its commas."""
    out: list[list[str]] = []
    for row in rows:
        if out and _continues(join_lines(out[-1])):
            out[-1].append(row.text)
        else:
            out.append([row.text])
    entries: list[str] = []
    for lines in out:
        text = join_lines(lines)
        entries.extend(_listed(text) or [text])
    return entries


def merged_people(people: Sequence[Participant]) -> tuple[Participant, ...]:
    """One entry per name: a member listed present and also absent ('Medlemmer: … Pia Dam' / 'Fraværende: Pia
    Dam') was absent; the first entry keeps its party and role."""
    by_name: dict[str, Participant] = {}
    for person in people:
        key = person.name.casefold()
        first = by_name.get(key)
        if first is None:
            by_name[key] = person
        elif person.status == "absent" and first.status != "absent":
            by_name[key] = replace(first, status="absent", party=first.party or person.party)
    return tuple(by_name.values())


def item_absences(items: Sequence[tuple[str, Sequence[Row]]]) -> tuple[Participant, ...]:
    """Absences the minutes record inside items: an 'Afbud:'/'Fraværende (med afbud):' label in an item's text
    ('Fraværende: Evan Lynnerup (V).' under each decision), or an item titled 'Fraværende'/'Afbud' that names them
    ('Martin Bech og Niels Salling.')."""
    people: list[Participant] = []
    for title, rows in items:
        if _ABSENCE_ITEM.match(title.strip()):
            text = " ".join(r.text for r in rows if not heading_name(r.text))
            people.extend(Participant(name=m.group(0), status="absent") for m in _NAME_IN_TEXT.finditer(text)
                          if _looks_like_name(m.group(0)) and not _PLACE_END.search(m.group(0)))
            continue
        for k, row in enumerate(rows):
            label = _ABSENT.match(row.text)
            if not label:
                continue
            rest = (label.group("rest") or "").strip(" ,")
            block = [Row(text=rest, page=row.page, para_start=True)] if rest else []
            for below in rows[k + 1:]:
                if rest or not (_person(below.text, "absent") or _listed(below.text)):
                    break
                block.append(below)
            people.extend(p for p in (_person(e, "absent") for e in _entries(block)) if p)
    return merged_people(people)


def _headless_list(rows: Sequence[Row], settings: ParserSettings) -> tuple[Participant, ...]:
    """A member list printed without a heading (a cover's pages of 'Name (P), X Kommune' rows): the longest run
    of such rows, when it is long enough not to be chance."""
    best: list[Participant] = []
    run: list[Participant] = []
    for row in rows:
        person = _person(row.text, "present") if _PERSON.match(row.text) else None
        if person:
            run.append(person)
            continue
        if _SUBSTITUTE.match(row.text) and run:
            continue
        best, run = (run if len(run) > len(best) else best), []
    best = run if len(run) > len(best) else best
    return tuple(best) if len(best) >= settings.min_people_rows else ()


def find_participants(rows: Sequence[Row], settings: ParserSettings = DEFAULT) -> tuple[Participant, ...]:
    people: list[Participant] = []
    status: str | None = None
    block: list[Row] = []
    headed = False

    def flush() -> None:
        if status:
            for entry in _entries(block):
                person = _person(entry, status)
                if person:
                    people.append(person)
        block.clear()

    for row in rows:
        text = row.text
        heading = _PRESENT.match(text) or _ABSENT.match(text)
        if heading:
            flush()
            headed = True
            status = "present" if _PRESENT.match(text) else "absent"
            rest = (heading.group("rest") or "").strip(" ,")
            if rest:
                block.append(Row(text=rest, page=row.page, para_start=True))
        elif _STOP.match(text):
            flush()
            status = None
        elif status:
            block.append(row)
    flush()
    if not headed:
        return _headless_list(rows, settings)
    return merged_people(people)
