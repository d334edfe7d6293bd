"""Sections cut from the seed texts, the real meeting text every engine test searches.

Sections are cut crudely from the seed texts by their `3.7.`-style item headings and the canonical section
headings; seed 001 (English OCR of a Danish text) is repaired with the hand-made gold repair pairs so that
its raw text keeps the damaged spellings (`mgde`) and its text has the real ones (`møde`).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from index import SectionDoc
from parsers.normalize import join_lines

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.is_dir():
    SHARED = Path("/work/shared")
SEEDS = SHARED / "seeds"
SECTION_NAMES = ("Baggrund", "Indstilling", "Sagsfremstilling", "Beslutning", "Bilag")
ITEM_RE = re.compile(r"^\s*(\d{1,2}\.\d{1,2})\.?\s+([A-ZÆØÅ].*)$")
TOC_RE = re.compile(r"^(\d+\.\d+)\.\s*\t.*?(\d+)\s*$")
CASE_RE = re.compile(r"^SAG-\d{4}-\d+")
WORD_RE = re.compile(r"[^\W_]+")


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def repair_pairs() -> dict[str, str]:
    pairs = json.loads((SHARED / "gold" / "001_repairs.json").read_text(encoding="utf-8"))
    return {p["ocr"]: p["correct"] for p in pairs}


def repair(text: str, pairs: dict[str, str]) -> str:
    return WORD_RE.sub(lambda m: pairs.get(m.group(), m.group()), text)


def split_seed(path: Path, meeting_id: str, date: str | None, kind: str, body: str,
               pairs: dict[str, str] | None = None) -> list[SectionDoc]:
    """Cut a seed text into one SectionDoc per (item, section heading); pages from the table of contents."""
    lines = path.read_text(encoding="utf-8").splitlines()
    toc_pages = {m.group(1): int(m.group(2)) for m in map(TOC_RE.match, lines) if m}
    docs: list[SectionDoc] = []
    item: tuple[str, str] | None = None
    case: str | None = None
    section: str | None = None
    buf: list[str] = []

    def flush() -> None:
        raw = join_lines([ln.strip() for ln in buf if ln.strip()])
        if item and section and raw:
            text = repair(raw, pairs) if pairs else raw
            docs.append(SectionDoc(meeting_id=meeting_id, date=date, kind=kind, body=body, item_number=item[0],
                                   item_title=item[1], case_number=case, section=section, position=len(docs),
                                   page=toc_pages.get(item[0]), text=text, raw_text=raw if pairs else ""))
        buf.clear()

    for line in lines:
        if TOC_RE.match(line):
            continue
        if (m := ITEM_RE.match(line)) and len(m.group(2)) < 120:
            flush()
            title = m.group(2).strip()
            item, case, section = (m.group(1), repair(title, pairs) if pairs else title), None, None
        elif line.strip() in SECTION_NAMES and item:
            flush()
            section = line.strip()
        elif CASE_RE.match(line.strip()) and item and section is None:
            case = line.strip().split()[0]
        else:
            buf.append(line)
    flush()
    return docs


def seed_docs() -> dict[str, list[SectionDoc]]:
    """Three meetings: the 2026 agenda, the repaired 2025 minutes (with raw OCR text), an undated 2025 agenda."""
    return {
        "agenda2026": split_seed(seed("000"), "kkr-h-2026-06-16", "2026-06-16", "dagsorden", "KKR Hovedstaden"),
        "minutes2025": split_seed(seed("001"), "kkr-h-2025-09-02", "2025-09-02", "referat", "KKR Hovedstaden",
                                  pairs=repair_pairs()),
        "agenda2025": split_seed(seed("002"), "kkr-x-2025", None, "dagsorden", "KKR Sjælland"),
    }
