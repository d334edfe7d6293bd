"""The layouts of other agenda systems and their answers agree: same words, same files, deterministic.

`fixtures/make_systems.py` renders each layout from one record and writes the answer from the same record;
these checks keep the committed PDFs, the committed answers and the generator from drifting apart. They run
poppler's `pdftotext` and pypdfium2, no OCR.
"""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ROOT / "fixtures" / "systems"
GOLD = ROOT / "tests" / "data" / "systems"
SBSYS = "dk_aarhus_moedesystemgruppen_2016-10-06_referat"
MEETING_KEYS = {"source", "kind", "body", "date", "start_time", "location", "participants", "toc", "items"}
ITEM_KEYS = {"number", "heading", "title", "case_number", "case_initials", "sections", "attachments"}
SECTION_KEYS = {"name", "starts", "ends", "empty"}


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_systems", ROOT / "fixtures" / "make_systems.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_systems"] = module
    spec.loader.exec_module(module)
    return module


GEN = load_generator()
LAYOUTS = {layout.meeting.stem: layout for layout in GEN.LAYOUTS}


@cache
def rendered(stem: str) -> bytes:
    return GEN.render_pdf(LAYOUTS[stem])


def doc_key(name: str) -> str:
    """As ../shared/eval/score.py matches exports to answers: a leading number, otherwise the whole stem."""
    stem = Path(name).name.rsplit(".", 1)[0]
    numbered = re.match(r"(\d+)(?:[_.-]|$)", stem)
    return numbered.group(1) if numbered else stem


def printed_words(pdf_bytes: bytes, furniture: tuple[str, ...]) -> str:
    """The document's words in reading order, running headers and footers left out, whitespace collapsed."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf_bytes, capture_output=True,
                          check=True).stdout.decode("utf-8")
    patterns = [re.compile(p) for p in furniture]
    kept = [line for line in text.splitlines() if not any(p.match(line.strip()) for p in patterns)]
    return " ".join(" ".join(kept).split())


def test_at_least_ten_layouts_three_scanned_both_kinds() -> None:
    assert len(LAYOUTS) >= 10
    assert sum(layout.scan for layout in LAYOUTS.values()) >= 3
    assert {layout.meeting.kind for layout in LAYOUTS.values()} == {"dagsorden", "referat"}


def test_committed_files_match_the_generator() -> None:
    """Every layout has its committed PDF and answer, the answer is what the generator writes now, and
    every answer's key is unique under the scorer's matching (a scanned twin needs its own name)."""
    assert sorted(p.stem for p in SYSTEMS.glob("*.pdf")) == sorted(LAYOUTS)
    assert sorted(p.stem for p in GOLD.glob("*.json")) == sorted([*LAYOUTS, SBSYS])
    for stem, layout in LAYOUTS.items():
        assert (GOLD / f"{stem}.json").read_text(encoding="utf-8") == GEN.gold_json(layout), stem
    keys = [doc_key(json.loads(p.read_text(encoding="utf-8"))["source"]) for p in GOLD.glob("*.json")]
    assert len(keys) == len(set(keys))


def test_generator_is_deterministic() -> None:
    """Rendering again gives the committed bytes (made by another process), and twice in one process the
    same bytes; a scan made twice is the same image-only file."""
    for stem, layout in LAYOUTS.items():
        if not layout.scan:
            assert (SYSTEMS / f"{stem}.pdf").read_bytes() == rendered(stem), stem
    first = next(iter(LAYOUTS))
    assert GEN.render_pdf(LAYOUTS[first]) == rendered(first)
    smallest = min((layout for layout in LAYOUTS.values() if layout.scan),
                   key=lambda layout: (SYSTEMS / f"{layout.meeting.stem}.pdf").stat().st_size)
    page = rendered(smallest.meeting.stem)
    scanned = GEN.scan(page, smallest.meeting.stem)
    assert scanned == GEN.scan(page, smallest.meeting.stem)
    assert scanned == (SYSTEMS / f"{smallest.meeting.stem}.pdf").read_bytes()


def test_answers_are_rewritten_identically(tmp_path: Path) -> None:
    """Writing the answers twice from the records gives the same JSON as the committed files."""
    for run in ("a", "b"):
        for stem, layout in LAYOUTS.items():
            (tmp_path / run).mkdir(exist_ok=True)
            (tmp_path / run / f"{stem}.json").write_text(GEN.gold_json(layout), encoding="utf-8")
    for stem in LAYOUTS:
        a, b = ((tmp_path / run / f"{stem}.json").read_bytes() for run in ("a", "b"))
        assert a == b == (GOLD / f"{stem}.json").read_bytes(), stem


@pytest.mark.parametrize("stem", sorted(LAYOUTS))
def test_pdf_opens_small_and_scans_have_no_text_layer(stem: str) -> None:
    layout = LAYOUTS[stem]
    doc = pdfium.PdfDocument(SYSTEMS / f"{stem}.pdf")
    assert 1 <= len(doc) <= (2 if layout.scan else 4)
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, "A4 page size"
        text = page.get_textpage().get_text_range().strip()
        assert (not text) if layout.scan else len(text) > 100


def test_answers_have_the_gold_shape() -> None:
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert MEETING_KEYS <= gold.keys(), path.name
        assert gold["kind"] in {"dagsorden", "referat"}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", gold["date"])
        assert gold["start_time"] is None or re.fullmatch(r"\d{2}:\d{2}", gold["start_time"])
        assert doc_key(gold["source"]) == path.stem
        assert gold["items"], path.name
        numbers = [item["number"] for item in gold["items"]]
        assert len(numbers) == len(set(numbers)), path.name
        for item in gold["items"]:
            assert ITEM_KEYS <= item.keys(), (path.name, item["number"])
            for section in item["sections"]:
                assert SECTION_KEYS <= section.keys()
                words = lambda s: len(s.split())  # noqa: E731
                if section["empty"]:
                    assert section["starts"] == section["ends"] == ""
                else:
                    assert 1 <= words(section["starts"]) <= GEN.EDGE_WORDS
                    assert 1 <= words(section["ends"]) <= GEN.EDGE_WORDS
        for person in gold["participants"]:
            assert person["status"] in {"present", "absent"}


@pytest.mark.parametrize("stem", sorted(LAYOUTS))
def test_answer_words_are_printed_in_order(stem: str) -> None:
    """Each section's first and last words occur in the born-digital text (the page a scan is made from),
    furniture left out, and the sections occur in the order the answer gives."""
    layout = LAYOUTS[stem]
    text = printed_words(rendered(stem), layout.furniture)
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    position = 0
    for item in gold["items"]:
        for section in item["sections"]:
            if section["empty"]:
                continue
            start = text.find(section["starts"], position)
            assert start >= 0, (stem, item["number"], section["name"], section["starts"])
            end = text.find(section["ends"], start)
            assert end >= 0, (stem, item["number"], section["name"], section["ends"])
            position = end


def test_sbsys_answer_matches_the_real_pdf() -> None:
    """The hand-written SBSYS answer quotes the real referat (skipped without ../shared)."""
    pdf = ROOT.parent / "shared" / "corpus" / "real" / f"{SBSYS}.pdf"
    if not pdf.exists():
        pytest.skip(f"{pdf} not found")
    text = printed_words(pdf.read_bytes(), (r"^Side \d+$",))
    gold = json.loads((GOLD / f"{SBSYS}.json").read_text(encoding="utf-8"))
    for item in gold["items"]:
        assert item["title"] in text
        for section in item["sections"]:
            for edge in (section["starts"], section["ends"]):
                assert edge in text, (item["number"], edge)
