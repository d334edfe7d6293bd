"""One meeting from all its documents: roles, one version of each item, the better text of each section.

A pure function of the set of documents (sorted here, never in arrival order), so the same files ingested in
any order give the same meeting; it is rerun whenever a document of the meeting is added or removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from parsers.decisions import decision_of
from parsers.model import Item, Meeting, Section
from pipeline.identity import (
    COPY_CONTAINMENT,
    containment,
    group_key,
    municipality_in,
    municipality_of_body,
    title_match,
    words,
)

ROLE_ORDER = {"referat": 0, "dagsorden": 1, "item": 2, "bilag": 3, "copy": 4, "document": 5}
SAME_ITEM_TITLE = 0.5  # two documents' items of one number are one item when their titles share this much
_ABOVE_MUNICIPALITY = re.compile(r"^(KKR|KL\b|Kommunekontaktråd|Region|Danske Regioner)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """What the merge needs of one stored document."""

    sha256: str
    filename: str
    path: str
    pages: int
    quality: int  # 0 born-digital, 1 OCR, 2 repaired
    meeting: Meeting  # the document's own parse
    raw_texts: dict[tuple[int, int], str]  # (item index, section index) -> text as extracted
    text: str  # the document's page text (for copy detection and the municipality)
    noise: int = 0  # per mille of its characters that no Danish text has (text_noise): a garbled text layer



@dataclass(frozen=True, slots=True)
class SourceRole:
    sha256: str
    filename: str
    path: str
    pages: int
    role: str
    item_number: str | None = None


@dataclass(frozen=True, slots=True)
class MergedSection:
    section: Section
    source: str  # sha256
    raw_text: str = ""
    decided_on: str | None = None
    decided_by: str | None = None


@dataclass(frozen=True, slots=True)
class MergedItem:
    item: Item  # sections live in `sections`
    sections: tuple[MergedSection, ...]
    sources: tuple[str, ...]  # sha256 of every document that holds this item (copies included)


@dataclass(frozen=True, slots=True)
class MergedMeeting:
    meeting_id: str
    meeting: Meeting  # items carry no sections here; see `items`
    municipality: str | None
    primary: str | None  # sha256 of the document whose metadata and text lead
    items: tuple[MergedItem, ...]
    sources: tuple[SourceRole, ...]


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", number)) or (0,)


def _order(doc: SourceDoc) -> tuple:
    """Minutes before agenda, better text first, fuller document first; the hash breaks ties."""
    return (0 if doc.meeting.kind == "referat" else 1, doc.quality, doc.noise, -len(doc.meeting.items), -doc.pages,
            doc.sha256)


def assign_roles(docs: list[SourceDoc]) -> dict[str, tuple[str, str | None]]:
    """sha256 -> (role, item number) for the documents of one meeting."""
    roles: dict[str, tuple[str, str | None]] = {}
    full = sorted((d for d in docs if len(d.meeting.items) > 1), key=_order)
    single = sorted((d for d in docs if len(d.meeting.items) == 1), key=lambda d: (
        _number_key(d.meeting.items[0].number), d.quality, d.noise, -d.pages, d.sha256))
    empty = sorted((d for d in docs if not d.meeting.items), key=_order)
    accepted: list[SourceDoc] = []
    words_of = {d.sha256: words(d.text) for d in docs}
    for doc in full:
        twin = next((a for a in accepted if a.meeting.kind == doc.meeting.kind
                     and containment(words_of[a.sha256], words_of[doc.sha256]) >= COPY_CONTAINMENT), None)
        roles[doc.sha256] = ("copy", None) if twin else (doc.meeting.kind, None)
        if twin is None:
            accepted.append(doc)
    singles: list[SourceDoc] = []
    for doc in single:
        number = doc.meeting.items[0].number
        twin = next((s for s in singles if s.meeting.items[0].number == number
                     and containment(words_of[s.sha256], words_of[doc.sha256]) >= COPY_CONTAINMENT), None)
        if twin is not None:
            roles[doc.sha256] = ("copy", number)
            continue
        singles.append(doc)
        alone = not accepted and len(single) == 1
        roles[doc.sha256] = (doc.meeting.kind, None) if alone else ("item", number)
    for doc in empty:
        twin = next((a for a in accepted + singles
                     if containment(words_of[a.sha256], words_of[doc.sha256]) >= COPY_CONTAINMENT), None)
        roles[doc.sha256] = ("copy", None) if twin else ("bilag", None)
    return roles


def _merge_item(versions: list[tuple[SourceDoc, int]], holders: tuple[str, ...], meeting: Meeting) -> MergedItem:
    """One item from its versions, best first: sections keyed by name and occurrence; the better text wins."""
    first_doc, first_index = versions[0]
    item = first_doc.meeting.items[first_index]
    chosen: dict[tuple[str, int], tuple[int, MergedSection]] = {}
    order: list[tuple[str, int]] = []
    attachments = list(item.attachments)
    for rank, (doc, index) in enumerate(versions):
        version = doc.meeting.items[index]
        for attachment in version.attachments:
            if attachment not in attachments:
                attachments.append(attachment)
        for field in ("heading", "case_number", "case_initials", "page_start", "page_end"):
            if getattr(item, field) is None and getattr(version, field) is not None:
                item = replace(item, **{field: getattr(version, field)})
        seen: dict[str, int] = {}
        for j, section in enumerate(version.sections):
            n = seen.get(section.name, 0)
            seen[section.name] = n + 1
            key = (section.name, n)
            candidate = MergedSection(section=section, source=doc.sha256, raw_text=doc.raw_texts.get((index, j), ""))
            held = chosen.get(key)
            if held is None:
                order.append(key)
                chosen[key] = (rank, candidate)
            elif not held[1].section.text.strip() and section.text.strip():
                chosen[key] = (rank, candidate)
    sections = []
    for key in order:
        merged = chosen[key][1]
        if merged.section.name == "Beslutning":
            decision = decision_of(merged.section.heading, meeting.date, meeting.body)
            merged = replace(merged, decided_on=decision.decided_on, decided_by=decision.decided_by)
        sections.append(merged)
    item = replace(item, sections=(), attachments=tuple(attachments),
                   closed=any(doc.meeting.items[i].closed for doc, i in versions))
    return MergedItem(item=item, sections=tuple(sections), sources=holders)


def _quality_first(doc: SourceDoc, roles: dict[str, tuple[str, str | None]]) -> tuple:
    return (doc.quality, doc.noise, ROLE_ORDER.get(roles[doc.sha256][0], 9), -len(doc.meeting.items), doc.sha256)


def merge_meeting(meeting_id: str, docs: list[SourceDoc], bilag: list[tuple[SourceDoc, str | None]] = (),
                  copies: list[SourceDoc] = ()) -> MergedMeeting:
    """The meeting of `docs` (its body and date), with `bilag` (document, item number or None) attached and
    `copies` (stand-alone documents whose words are in one of `docs`) listed as copies."""
    roles = assign_roles(docs)
    contributing = sorted((d for d in docs if roles[d.sha256][0] != "copy"), key=lambda d: _quality_first(d, roles))
    leading = sorted(contributing, key=lambda d: (ROLE_ORDER.get(roles[d.sha256][0], 9),) + _order(d))
    primary = leading[0] if leading else (sorted(docs, key=_order)[0] if docs else None)
    meeting = primary.meeting if primary else Meeting(kind="andet")
    for doc in leading[1:]:
        for field in ("start_time", "location"):
            if getattr(meeting, field) is None and getattr(doc.meeting, field) is not None:
                meeting = replace(meeting, **{field: getattr(doc.meeting, field)})
        if not meeting.participants and doc.meeting.participants:
            meeting = replace(meeting, participants=doc.meeting.participants)
    if any(d.meeting.kind == "referat" for d in contributing):
        meeting = replace(meeting, kind="referat")
    # versions of each item number, best text first; an item whose title disagrees with the best one is left out
    versions: dict[str, list[tuple[SourceDoc, int]]] = {}
    for doc in contributing:
        for index, item in enumerate(doc.meeting.items):
            held = versions.setdefault(item.number, [])
            if held and title_match(held[0][0].meeting.items[held[0][1]].title, item.title) < SAME_ITEM_TITLE:
                continue
            held.append((doc, index))
    holders = {number: tuple(sorted({d.sha256 for d in docs for i in d.meeting.items if i.number == number}))
               for number in versions}
    items = tuple(_merge_item(versions[n], holders[n], meeting) for n in sorted(versions, key=_number_key))
    sources = [SourceRole(sha256=d.sha256, filename=d.filename, path=d.path, pages=d.pages, role=roles[d.sha256][0],
                          item_number=roles[d.sha256][1]) for d in docs]
    sources += [SourceRole(sha256=d.sha256, filename=d.filename, path=d.path, pages=d.pages, role="bilag",
                           item_number=number) for d, number in bilag]
    sources += [SourceRole(sha256=d.sha256, filename=d.filename, path=d.path, pages=d.pages, role="copy")
                for d in copies]
    sources.sort(key=lambda s: (ROLE_ORDER.get(s.role, 9), _number_key(s.item_number or "0"), s.filename, s.sha256))
    municipality = None
    if meeting.body and not _ABOVE_MUNICIPALITY.match(meeting.body) and primary is not None:
        municipality = municipality_of_body(meeting.body) or municipality_in(primary.text[:3000]) or next(
            (m for d in leading if (m := municipality_in(d.text[:3000]))), None)
    return MergedMeeting(meeting_id=meeting_id, meeting=replace(meeting, items=()), municipality=municipality,
                         primary=primary.sha256 if primary else None, items=items, sources=tuple(sources))


def standalone(meeting_id: str, doc: SourceDoc) -> MergedMeeting:
    """A document that belongs to no meeting (a report, an e-mail): a record of its own."""
    merged = merge_meeting(meeting_id, [doc])
    role = SourceRole(sha256=doc.sha256, filename=doc.filename, path=doc.path, pages=doc.pages, role="document")
    return replace(merged, sources=(role,))


def meeting_key(doc: SourceDoc) -> str | None:
    return group_key(doc.meeting.body, doc.meeting.date)


def split_by_start_time(key: str, docs: list[SourceDoc]) -> dict[str, list[SourceDoc]]:
    """One meeting per start time where one body met twice on a date; documents without a time join the first."""
    times = sorted({d.meeting.start_time for d in docs if d.meeting.start_time})
    if len(times) < 2:
        return {key: docs}
    groups: dict[str, list[SourceDoc]] = {f"{key}-{t.replace(':', '')}": [] for t in times}
    for doc in docs:
        time = doc.meeting.start_time or times[0]
        groups[f"{key}-{time.replace(':', '')}"].append(doc)
    return groups
