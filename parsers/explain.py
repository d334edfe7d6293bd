"""`moedearkiv parse FILE --explain`: why each row became what it is, and which template won.

The parser's own trace (`parsers.document.parse_traced`) says where items and the toc are; this module
only names the role of every row from it, so the explanation cannot drift from what the parser did.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from parsers.document import Trace, parse_traced
from parsers.items import NUMBER_ROW
from parsers.layout import Row
from parsers.metadata import iso_date, stacked_label, start_time
from parsers.templates import ALL, GENERIC
from parsers.vocabulary import dated_decision, document_headings, document_title, heading_name, inline_heading

if TYPE_CHECKING:
    from pipeline.config import Settings

TEXT_WIDTH = 70


@dataclass(frozen=True, slots=True)
class RowRole:
    page: int
    text: str
    role: str  # furniture, toc, item, case-number, heading, metadata, participant, body
    why: str


def _section_reason(row: Row) -> str | None:
    name = heading_name(row.text)
    if name:
        return f"section heading -> {name}"
    if dated_decision(row.text):
        return "dated decision heading -> Beslutning"
    inline = inline_heading(row.text)
    if inline:
        return f"inline heading '{inline[1]}:' -> {inline[0]}"
    title = document_title(row.text)
    return f"printed document title -> {title}" if title else None


def _front_role(row: Row, trace: Trace) -> tuple[str, str]:
    facts = trace.facts
    text = row.text.casefold()
    names = {p.name.casefold() for p in trace.meeting.participants}
    if any(name in text for name in names):
        return "participant", "a name in a participant list"
    if facts.date and iso_date(row.text) == facts.date:
        return "metadata", f"meeting date {facts.date}"
    if facts.start_time and start_time(row.text) == facts.start_time:
        return "metadata", f"start time {facts.start_time}"
    if facts.body and facts.body.casefold() in text:
        return "metadata", "meeting body"
    if facts.location and text and text in facts.location.casefold():
        return "metadata", "meeting place"
    if stacked_label(row.text):
        return "metadata", "a cover label, its value printed beside it"
    if facts.kind and facts.kind in text and len(text) < 80:
        return "metadata", f"document kind ({facts.kind})"
    return "body", "front matter text"


def roles(trace: Trace) -> list[RowRole]:
    """One role per raw row, in document order (read with the document's own headings known)."""
    with document_headings(trace.headings):
        return list(_roles(trace))


def _group_row(row: Row, trace: Trace) -> str | None:
    groups = {i.heading for i in trace.meeting.items if i.heading}
    return next((g for g in groups if row.text == g or (row.text.endswith(g) and row.text[:1].isdigit())), None)


def _roles(trace: Trace) -> Iterator[RowRole]:
    kept = {id(row): k for k, row in enumerate(trace.rows)}
    template = next(t for t in ALL if t.name == trace.template)
    ignore = template.ignore + (GENERIC.ignore if template is not GENERIC else ())
    by_row: dict[int, tuple[str, str]] = {}
    for span in trace.spans:
        for k in range(span.start, span.content_start):
            by_row[k] = ("item", f"heading of item {span.number}")
        if span.anchor is not None:
            number_row = NUMBER_ROW.match(trace.rows[span.anchor].text)
            by_row[span.anchor] = (("item", f"number row of item {span.number}") if number_row
                                   else ("case-number", f"case-number row anchoring item {span.number}")
                                   if GENERIC.case_match(trace.rows[span.anchor].text)
                                   else ("item", f"heading of item {span.number}: no case number, numbered "
                                                 "and set like its siblings"))
        opened = False  # a section has begun: the template's metadata rows come only before it
        for k in range(span.content_start, span.end):
            reason = _section_reason(trace.rows[k])
            group = _group_row(trace.rows[k], trace)
            opened = opened or bool(reason)
            if not opened and any(p.match(trace.rows[k].text) for p in ignore):
                by_row[k] = ("metadata", f"metadata row of item {span.number} (template ignore), no body text")
                continue
            opened = opened or not group
            by_row[k] = (("heading", reason) if reason else ("item", f"group row '{group}'") if group
                         else ("body", f"text of item {span.number}"))
    for row in trace.raw_rows:
        k = kept.get(id(row))
        if k is None:
            yield RowRole(row.page, row.text, "furniture", "running header/footer, page stamp or layout link, removed")
        elif k in trace.toc_rows:
            yield RowRole(row.page, row.text, "toc", "table-of-contents entry")
        elif k in by_row:
            yield RowRole(row.page, row.text, *by_row[k])
        elif _group_row(row, trace):
            yield RowRole(row.page, row.text, "item", "group row: titles the items numbered under it")
        elif k < trace.front_end:
            yield RowRole(row.page, row.text, *_front_role(row, trace))
        else:
            yield RowRole(row.page, row.text, "body", "after the last item (closing text)")


def explain(trace: Trace) -> str:
    """The readable report: template scores, the meeting's facts, then one line per row."""
    scores = ", ".join(f"{name} {score:.2f}" for name, score in sorted(trace.scores.items(), key=lambda x: -x[1]))
    m = trace.meeting
    out = [f"template: {trace.template}  (scores: {scores}; below the minimum the generic template parses)",
           f"meeting: kind={m.kind} body={m.body!r} date={m.date} start_time={m.start_time} location={m.location!r}",
           f"items: {len(m.items)}  participants: {len(m.participants)}  "
           f"document headings: {', '.join(sorted(set(trace.headings.values()))) or '-'}", ""]
    for r in roles(trace):
        text = r.text if len(r.text) <= TEXT_WIDTH else r.text[:TEXT_WIDTH - 1] + "…"
        out.append(f"p{r.page:<3} {r.role:<11} {text:<{TEXT_WIDTH}}  {r.why}")
    return "\n".join(out)


def trace_file(path: Path, settings: Settings) -> tuple[Trace, dict]:
    """Read one PDF as ingest does (text layer, Danish OCR where needed, repair) and parse it; nothing is stored.
    Returns the trace and the export JSON of the meeting."""
    from parsers.repair import Repairer
    from pipeline.export import SourceInfo, meeting_dict
    from pipeline.ingest import extract_pages
    from pipeline.ocr import OcrEngine
    from pipeline.steps import document_lines
    from pipeline.tables import attach_tables, drop_table_lines, find_tables

    @dataclass
    class _Tools:  # what extract_pages needs of the ingest services, without an archive
        settings: Settings
        ocr: OcrEngine
        repairer: Repairer

    tools = _Tools(settings, OcrEngine.from_settings(settings),
                   Repairer.load(cache_dir=settings.lexicon_dir))
    pages = extract_pages(path, tools)  # type: ignore[arg-type]
    tables = find_tables(path, pages)
    text_pages = drop_table_lines(pages, tables)
    trace = parse_traced(document_lines(text_pages), path.name)
    meeting = attach_tables(trace.meeting, tables, text_pages)
    source = SourceInfo(filename=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), pages=len(pages),
                        ocr_pages=tuple(p.number for p in pages if p.source == "ocr"),
                        repaired_words=sum(p.repairs for p in pages))
    return trace, meeting_dict(meeting, path.stem, source)
