"""Readable views for the terminal: one meeting, and a case's history across meetings."""
from __future__ import annotations

import textwrap

from storage.archive import Archive, StoredMeeting

_KIND_ORDER = {"dagsorden": 0, "referat": 1, "bilag": 2, "andet": 3}


def render_meeting(stored: StoredMeeting, item_number: str | None = None) -> str:
    m = stored.meeting
    out = [f"{stored.meeting_id}",
           f"  {m.kind} · {m.body or '(body unknown)'} · {m.date or '(date unknown)'} {m.start_time or ''}".rstrip(),
           f"  sted: {m.location or '-'}",
           f"  kilde: {stored.source.filename} ({stored.source.pages} sider, OCR: "
           f"{len(stored.source.ocr_pages)}, rettede ord: {stored.source.repaired_words})"]
    if stored.municipality:
        out.insert(2, f"  kommune: {stored.municipality}")
    for source in stored.sources:
        where = f" punkt {source.item_number}" if source.item_number else ""
        out.append(f"  dokument: {source.role:9} {source.filename}{where}")
    if m.participants and item_number is None:
        present = [p for p in m.participants if p.status == "present"]
        absent = [p for p in m.participants if p.status == "absent"]
        out.append(f"  deltagere: {len(present)}, afbud: {len(absent)}")
    for item in m.items:
        if item_number is not None and item.number != item_number:
            continue
        flag = " (lukket)" if item.closed else ""
        out.append("")
        out.append(f"{item.number}  {item.title}{flag}" + (f"   [{item.case_number}]" if item.case_number else ""))
        if item.heading:
            out.append(f"    under: {item.heading}")
        for j, section in enumerate(item.sections):
            meta = stored.section_meta.get((m.items.index(item), j))
            if section.name == "Beslutning" and meta and (meta.decided_on or meta.decided_by):
                out.append(f"    (besluttet {meta.decided_on or '?'} af {meta.decided_by or '?'})")
            pages = f" s. {section.page_start}" if section.page_start else ""
            if item_number is None:
                preview = section.text[:160].replace("\n", " ")
                out.append(f"    {section.name}{pages}: {preview}{'…' if len(section.text) > 160 else ''}")
            else:
                out.append(f"  {section.name}{pages}")
                for para in section.text.split("\n"):
                    out.extend(textwrap.wrap(para, 100, initial_indent="    ", subsequent_indent="    ") or [""])
        for attachment in item.attachments:
            out.append(f"    bilag: {attachment}")
    return "\n".join(out)


def case_history(archive: Archive, case_number: str) -> list[dict]:
    """Items with the case number, oldest first, each with every decision it records (its own date and body)."""
    rows = archive.items_with_case(case_number)
    rows.sort(key=lambda mi: (mi[0].date or "9999", _KIND_ORDER.get(mi[0].kind, 9), mi[0].id, mi[1].position))
    history = []
    for meeting, item in rows:
        decisions = [{"decided_on": s.decided_on, "decided_by": s.decided_by, "text": s.text}
                     for s in item.sections if s.name == "Beslutning" and s.text.strip()]
        decisions.sort(key=lambda d: d["decided_on"] or "9999")
        history.append({"meeting_id": meeting.id, "item_id": f"{meeting.id}/{item.number}", "date": meeting.date,
                        "kind": meeting.kind, "body": meeting.body, "item_number": item.number,
                        "item_title": item.title, "decisions": decisions})
    return history
