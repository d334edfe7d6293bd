"""Repair through the PDF path leaves no more damage than `moedearkiv normalize` on the same text."""
from __future__ import annotations

import importlib.util
import json

import pytest

from parsers.model import Line, Page
from parsers.repair import Repairer
from pipeline import steps
from pipeline.export import SourceInfo, meeting_dict
from pipeline.extract import read_text_layer
from pipeline.ingest import parse
from pipeline.pdf import open_pdf
from pipeline.tables import find_tables
from tests.conftest import FIXTURES, ROOT, shared_or_skip

_spec = importlib.util.spec_from_file_location("residual_damage", ROOT / "tests/data/repair/residual_damage.py")
assert _spec and _spec.loader
residual_damage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(residual_damage)


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer.load()


def test_export_of_the_damaged_pdf_holds_no_more_damage_than_normalize(repairer: Repairer) -> None:
    seed = next(shared_or_skip("seeds").glob("001_*.txt"))
    pairs = json.loads(shared_or_skip("gold", "001_repairs.json").read_text(encoding="utf-8"))
    path = FIXTURES / "pdf" / "001.pdf"
    pdf = open_pdf(path)
    pages = read_text_layer(pdf)
    pdf.close()
    damaged = steps.damaged_pages(pages, repairer)
    pages = steps.repair(pages, damaged, repairer)
    meeting = parse(path, pages, find_tables(path, pages))
    export = meeting_dict(meeting, "m", SourceInfo(filename=path.name, sha256="0" * 64, pages=len(pages)))
    seed_text = seed.read_text(encoding="utf-8")
    through_pdf = residual_damage.residual(list(residual_damage.strings(export)), seed_text, pairs)
    normalized = residual_damage.residual([repairer.repair(seed_text).text], seed_text, pairs)
    assert through_pdf["damaged_in_seed"] > 800
    assert through_pdf["still_in_export"] <= normalized["still_in_export"], through_pdf["most_common_left"]
    assert through_pdf["residual"] <= 0.01  # issue 8's acceptance line
    titles = " ".join(item["title"] for item in export["items"])
    assert "hovedstadsområdet" in titles  # a title with a word broken at the line end is repaired too


def _page(texts: list[str], bold: tuple[int, ...] = ()) -> Page:
    lines = tuple(Line(text=t, page=1, top=12.0 * i, size=10.0, bold=i in bold, gap_before=3.0)
                  for i, t in enumerate(texts))
    return Page(number=1, text="\n".join(texts), lines=lines)


def test_a_word_broken_inside_a_line_by_pdfium_is_repaired_whole(repairer: Repairer) -> None:
    """pdfium writes a line-end hyphen as U+FFFE and drops the line break: 'hovedstadsomra\\ufffedet'."""
    page = _page(["Status pa arbejdet i hovedstadsomra\ufffedet og pa mgdet i", "Regionsradet den 2. september."])
    (fixed,) = steps.repair([page], frozenset({1}), repairer)
    assert fixed.text == "Status på arbejdet i hovedstadsområ\ufffedet og på mødet i\nRegionsrådet den 2. september."
    assert [line.text for line in fixed.lines] == fixed.text.split("\n")
    assert fixed.repairs == 5  # pa, hovedstadsomra-det, pa, mgdet, Regionsradet


def test_a_line_after_a_heading_starts_a_sentence(repairer: Repairer) -> None:
    """'Feor' after the bold heading is 'Før' (a sentence start), not a name inside a sentence."""
    page = _page(["Sagsfremstilling", "Feor sommerferien var fokus pa formidling og mgder."], bold=(0,))
    (fixed,) = steps.repair([page], frozenset({1}), repairer)
    assert fixed.text.split("\n") == ["Sagsfremstilling", "Før sommerferien var fokus på formidling og møder."]
    assert len(fixed.lines) == 2


def test_pages_are_repaired_with_the_documents_verdict(repairer: Repairer) -> None:
    """A short page judged damaged only with its document has its known-but-damaged words repaired too."""
    pages = [Page(number=1, text="Vi skal made hinanden pa mgdet, nar det er aftalt og faelles.",
                  lines=(Line(text="Vi skal made hinanden pa mgdet, nar det er aftalt og faelles.", page=1),)),
             Page(number=2, text="Bade borgere og kommuner.", lines=(Line(text="Bade borgere og kommuner.", page=2),))]
    fixed = steps.repair(pages, frozenset({1, 2}), repairer)
    assert fixed[1].text == "Både borgere og kommuner."
