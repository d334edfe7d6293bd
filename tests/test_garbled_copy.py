"""A text layer that decodes to garbage (a byte-flipped content stream, a broken font map): its pages are read by
OCR, and a garbled version of a meeting's document never leads the meeting or gives it its sections (fuzz file
249-flip of seed 10, a byte-flipped copy of fixtures/pdf/002.pdf, had put 'ᘀЀࠀȀ' into a meeting's sections)."""
from __future__ import annotations

from pathlib import Path

import pytest

from parsers.model import Item, Meeting, Section
from pipeline.config import Settings
from pipeline.ingest import Services, ingest_paths
from pipeline.merge import SourceDoc, merge_meeting
from pipeline.text_noise import garbled, text_noise

HERE = Path(__file__).resolve().parent
FLIPPED = HERE / "fuzz" / "regressions" / "byte-flip-garbles-the-text-layer.pdf"
GARBAGE = "”SഀԀऀഀ \u0e00 ᘀЀࠀȀༀȀ\u0e00ഀ\u0e00 ጀЀ\u0a00 ഀ\u0e00 ᐀Ѐᄀഀऀ̀\u0e00\u0b00ऀ̀Ѐᘀ\u0a00ᰀ"


def test_text_noise_is_zero_for_danish_text_and_high_for_a_garbled_layer() -> None:
    assert text_noise("Beslutning: Godkendt. Økonomiudvalget anbefaler – jf. bilag 2 (§ 17, stk. 4) • 3½ mio. kr.") == 0
    assert text_noise("ﬁnansiering\ufffe\uf0b7 punkt") == 0  # ligature, pdfium's hyphen mark, a Word bullet
    assert text_noise(f"Oversigt {GARBAGE}") == 9
    assert garbled("Faktaark VIP-projekter 2016 " + GARBAGE) and not garbled("Faktaark VIP-projekter 2016 " * 40)


def _doc(sha: str, text: str, section_text: str) -> SourceDoc:
    items = tuple(Item(str(n), f"Punkt {n}", sections=(Section("Sagsfremstilling", section_text),)) for n in (1, 2))
    return SourceDoc(sha256=sha * 64, filename=f"{sha}.pdf", path=f"/x/{sha}.pdf", pages=3, quality=0,
                     meeting=Meeting(kind="dagsorden", body="B", date="2020-01-01", items=items), raw_texts={},
                     text=text, noise=text_noise(text))


def test_of_two_versions_the_garbled_one_is_the_copy_whatever_its_hash() -> None:
    words = " ".join(f"ord{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(300))
    noisy = _doc("0", words + " " + GARBAGE * 3, "Tekst " + GARBAGE)  # '000…' sorts first by hash
    clean = _doc("f", words, "Tekst om budgettet")
    merged = merge_meeting("b-2020-01-01", [noisy, clean])
    assert {s.sha256[0]: s.role for s in merged.sources} == {"0": "copy", "f": "dagsorden"}
    assert merged.primary == clean.sha256
    assert {s.section.text for item in merged.items for s in item.sections} == {"Tekst om budgettet"}


@pytest.mark.slow
def test_the_garbled_pages_of_a_flipped_agenda_are_read_by_ocr(tmp_path: Path, fixtures_dir: Path) -> None:
    """Real Tesseract on the three garbled pages of the flipped copy; no meeting of the archive keeps garbage."""
    services = Services.open(Settings.resolve(home=tmp_path / "home", quiet=True, workers=1))
    results = ingest_paths([FLIPPED, fixtures_dir / "pdf" / "002.pdf"], services)
    assert [r.status for r in results] == ["ingested", "ingested"]
    sources = {}
    texts = []
    for meeting_id in services.archive.meeting_ids():
        stored = services.archive.load(meeting_id)
        assert stored is not None
        sources.update({Path(s.path).name: s.role for s in stored.sources})
        texts += [section.text for item in stored.meeting.items for section in item.sections]
    assert sources["002.pdf"] == "dagsorden"
    assert len(texts) > 20 and [t[:60] for t in texts if text_noise(t)] == []
