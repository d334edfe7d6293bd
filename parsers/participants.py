"""Participants: `Deltagere`/`Tilstede`/`Medlemmer` (present) and `Afbud`/`Fraværende` (absent) lists.

Rows look like `Name (P), X Kommune`, `Name (P) - formand`, with a substitute written as
`(suppleant for Name (P), Kommune)` or `, suppleant for Name`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from parsers.danish import FUNCTION_WORDS
from parsers.layout import Row
from parsers.model import Participant
from parsers.normalize import join_lines
from parsers.settings import DEFAULT, ParserSettings

# a heading alone ('Deltagere', 'Til stede:') or with the first name after it ('Deltagere: Jeppe Kirkegaard')
_PRESENT = re.compile(r"""^(?:deltagere|mødedeltagere|tilstede|til\s+stede|medlemmer(?:\s+af\s+\w+)?|deltagerliste
                             |fremmødte)
                          \s*(?::\s*(?P<rest>.*))?$""", re.IGNORECASE | re.VERBOSE)
_ABSENT = re.compile(r"""^(?:afbud(?:\s+fra)?|fraværende|afbud/fraværende|fravær|forfald)   # Afbud fra:, Fraværende:
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


def _looks_like_name(name: str) -> bool:
    """2-6 words, capitalised (one OCR-lowered initial allowed: 'djvind Vilsholm'), no function words."""
    words = name.split()
    lower = [w for w in words if not w[0].isupper()]
    return 2 <= len(words) <= 6 and len(lower) <= 1 and not any(w in _FUNCTION_WORDS for w in lower)


def _person(text: str, status: str) -> Participant | None:
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


def _entries(rows: Sequence[Row]) -> list[str]:
    """Rows → one text per person: a row that opens a parenthesis it does not close continues below."""
    out: list[list[str]] = []
    for row in rows:
        if out and (" ".join(out[-1]).count("(") > " ".join(out[-1]).count(")") or out[-1][-1].endswith("-")):
            out[-1].append(row.text)
        else:
            out.append([row.text])
    return [join_lines(e) for e in out]


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
    return tuple(people)
