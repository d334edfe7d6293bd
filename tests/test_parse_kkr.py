"""The KKR/KL Prepare template, on the real seed texts and the scorer's gold (priority-1 documents)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from parsers import lines_from_text, parse_document
from parsers.model import Meeting

SHARED = Path("/work/shared")
SEEDS = SHARED / "seeds"
EXPORTER = Path(__file__).parent / "data" / "parse" / "export_seeds.py"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")


def seed(prefix: str) -> Meeting:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return parse_document(lines_from_text(path.read_text(encoding="utf-8")), path.name)


def item(meeting: Meeting, number: str):
    return next(i for i in meeting.items if i.number == number)


def test_agenda_metadata_from_cover() -> None:
    meeting = seed("000")
    assert (meeting.kind, meeting.body, meeting.date, meeting.start_time) == (
        "dagsorden", "KKR Hovedstaden", "2026-06-16", "10:00")
    assert meeting.location == "Glostrup Park Hotel, Hovedvejen 41, Glostrup"


def test_letter_spaced_body_is_joined() -> None:
    assert seed("002").body == "KKR Hovedstaden"  # 'K K R  H O V E D S T A D E N'


def test_missing_header_date_from_text() -> None:
    meeting = seed("003")
    assert meeting.kind == "referat"
    assert meeting.date == "2025-04-11"  # 'dagsordenen for møde den / 11. april 2025'


def test_toc_is_not_items() -> None:
    meeting = seed("000")
    assert [e.number for e in meeting.toc][:3] == ["1", "1.1", "1.2"]
    assert item(meeting, "3.7").title == "Fordeling af lærepladser på SOSU-uddannelserne for 2027"
    assert len(meeting.items) == 14 and len({i.number for i in meeting.items}) == 14


def test_group_without_subitem_is_not_an_item() -> None:
    meeting = seed("000")
    assert "5" not in {i.number for i in meeting.items}
    last = item(meeting, "4.1")
    assert not any("Eventuelt" in s.text for s in last.sections)


def test_case_number_and_initials() -> None:
    meeting = seed("000")
    assert (item(meeting, "3.2").case_number, item(meeting, "3.2").case_initials) == ("SAG-2026-00802", "hdc/jebj")
    assert item(meeting, "3.8").case_initials is None


def test_links_intro_dropped_from_attachments() -> None:
    attachments = item(seed("000"), "3.10").attachments
    assert attachments[0] == "Faktaark VIP-projekter - 2016"
    assert not any("](" in a or a.startswith("Links") for a in attachments)


def test_item_number_on_page_top() -> None:
    meeting = seed("001")  # ' 3.3.' stands inside 3.2's text; '21.' is 2.1, '41.' is 4.1
    numbers = [i.number for i in meeting.items]
    assert numbers == ["1.1", "1.2", "2.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9",
                       "3.10", "4.1"]
    assert item(meeting, "2.1").heading == "Siden sidst"
    assert item(meeting, "3.1").heading == "Regionalpolitiske sager"


def test_label_inside_decision_keeps_decision_whole() -> None:
    decision = next(s for s in item(seed("001"), "3.5").sections if s.name == "Beslutning")
    assert decision.text.endswith("samlet set vil veere billigst for kommunerne.")
    assert "3.6." not in decision.text


def test_numbered_list_is_not_an_item() -> None:
    meeting = seed("001")  # '1. En rehabiliterende tilgang' ... '5. Det udadvendte sygehus' inside 3.3
    text = " ".join(s.text for s in item(meeting, "3.3").sections)
    assert "Udsatte borgere" in text and "Det udadvendte sygehus" in text


def test_date_in_text_is_not_an_item() -> None:
    meeting = seed("001")  # 'Pa KKR-madet den 24. oktober 2025 ...' inside 3.2
    assert "24" not in {i.number for i in meeting.items}
    assert "24. oktober 2025" in next(s for s in item(meeting, "3.2").sections if s.name == "Sagsfremstilling").text


def test_participants_with_substitute() -> None:
    people = seed("001").participants
    assert sum(p.status == "present" for p in people) == 40 and sum(p.status == "absent" for p in people) == 19
    stine = next(p for p in people if p.name == "Stine Rahbek Pedersen")
    assert stine.substitute_for == "Ole Wedel-Brandt" and stine.municipality == "Ballerup Kommune"


def test_report_has_no_invented_items() -> None:
    meeting = seed("004")
    assert meeting.kind in ("bilag", "andet") and meeting.items == () and meeting.participants == ()


def _score(tmp_path: Path) -> dict:
    spec = importlib.util.spec_from_file_location("export_seeds", EXPORTER)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.export_seeds(tmp_path)
    sys.path.insert(0, str(SHARED / "eval"))
    import score  # noqa: PLC0415

    return score.corpus(SHARED / "gold", tmp_path)


def test_scorer_thresholds_on_gold(tmp_path: Path) -> None:
    report = _score(tmp_path)
    first = report["000"]
    assert all(first["meta"].values())
    assert first["items"]["f1"] >= 0.98 and first["titles"] >= 0.95 and first["case_numbers"] >= 0.98
    assert first["sections"]["f1"] >= 0.97 and first["section_bounds"] >= 0.95
    assert first["attachments"]["f1"] >= 0.9
    ocr = report["001"]
    assert ocr["items"]["f1"] >= 0.98 and ocr["section_bounds"] >= 0.9
    assert json.dumps(report)  # the report is plain data the CI can print
