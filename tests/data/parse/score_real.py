"""Score the parser on the real referater against the hand-checked expected_real.json.

    .venv/bin/python tests/data/parse/score_real.py [PDF_DIR]     (default: fixtures/real)

Per document and in total: items found (of expected), titles right, case numbers right, decisions found
(items whose Beslutning count matches) and decisions bounded (first and last words within the scorer's 0.85
similarity, as /work/shared/eval/score.py judges section bounds).
"""
from __future__ import annotations

import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from parsers import parse_document  # noqa: E402
from parsers.model import Meeting  # noqa: E402
from pipeline.extract import read_text_layer  # noqa: E402

EXPECTED = Path(__file__).parent / "expected_real.json"
SIMILAR = 0.85


@dataclass(frozen=True, slots=True)
class Score:
    items_expected: int
    items_found: int
    titles: tuple[int, int]  # right, checked
    case_numbers: tuple[int, int]
    decisions_found: tuple[int, int]  # Beslutning sections found, expected
    decisions_bounded: tuple[int, int]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".").casefold()


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio() >= SIMILAR


def parse_pdf(path: Path) -> Meeting:
    lines = [line for page in read_text_layer(pdfium.PdfDocument(path)) for line in page.lines]
    return parse_document(lines, path.name)


def score(meeting: Meeting, want: dict) -> Score:
    found = {i.number: i for i in meeting.items}
    titles = [found[e["number"]].title == e["title"] for e in want["items"] if e["number"] in found]
    cases = [found[e["number"]].case_number == e["case_number"] for e in want["items"]
             if e["number"] in found and "case_number" in e]
    expected_decisions = sum(len(v) for v in want.get("decision_bounds", {}).values())
    got_decisions = bounded = 0
    for number, bounds in want.get("decision_bounds", {}).items():
        item = found.get(number)
        decisions = [s.text for s in item.sections if s.name == "Beslutning"] if item else []
        got_decisions += min(len(decisions), len(bounds))
        for text, bound in zip(decisions, bounds, strict=False):
            words = text.split()
            n_start, n_end = len(bound["starts"].split()), len(bound["ends"].split())
            bounded += _similar(" ".join(words[:n_start]), bound["starts"]) and _similar(
                " ".join(words[-n_end:]), bound["ends"])
    return Score(items_expected=want.get("item_count", len(want["items"])), items_found=len(meeting.items),
                 titles=(sum(titles), len(titles)), case_numbers=(sum(cases), len(cases)),
                 decisions_found=(got_decisions, expected_decisions), decisions_bounded=(bounded, expected_decisions))


def score_all(pdf_dir: Path) -> dict[str, Score]:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return {name: score(parse_pdf(pdf_dir / name), want) for name, want in expected.items()
            if not name.startswith("_") and (pdf_dir / name).exists()}


def _fraction(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]} ({pair[0] / pair[1]:.2f})" if pair[1] else "-"


def main() -> None:
    pdf_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "real"
    scores = score_all(pdf_dir)
    for name, s in scores.items():
        print(f"{name}\n  items {s.items_found}/{s.items_expected}  titles {_fraction(s.titles)}  "
              f"case numbers {_fraction(s.case_numbers)}  decisions found {_fraction(s.decisions_found)}  "
              f"bounded {_fraction(s.decisions_bounded)}")
    total = lambda field: tuple(sum(getattr(s, field)[k] for s in scores.values()) for k in (0, 1))  # noqa: E731
    print(f"TOTAL items {sum(s.items_found for s in scores.values())}/{sum(s.items_expected for s in scores.values())}"
          f"  titles {_fraction(total('titles'))}  case numbers {_fraction(total('case_numbers'))}"
          f"  decisions found {_fraction(total('decisions_found'))}  bounded {_fraction(total('decisions_bounded'))}")


if __name__ == "__main__":
    main()
