"""One meeting, one record: real PDFs, real SQLite, the real index (born-digital files only, so no OCR)."""
from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from parsers.decisions import decision_of, heading_date
from parsers.model import Item, Meeting, Section
from pipeline.merge import SourceDoc, merge_meeting

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "fixtures" / "real"
FILES = [ROOT / "fixtures" / "pdf" / "002.pdf", ROOT / "fixtures" / "pdf" / "002-referat.pdf",
         REAL / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf",
         REAL / "dk_ballerup_sfu_2012-12-04_punkt01_meddelelser.pdf",
         REAL / "dk_ballerup_sfu_2012-12-04_punkt02_bygningsvedligeholdelse.pdf",
         REAL / "dk_ballerup_sfu_2012-12-04_punkt04_takstreduktion.pdf",
         REAL / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf",
         REAL / "dk_aarhus_byraad_2025-08-27_referat.pdf",
         REAL / "dk_aarhus_byraad_2025-08-26_bilag_email-havnens-perle.pdf"]


def run(home: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--quiet", "--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    forward, backward = tmp_path_factory.mktemp("forward"), tmp_path_factory.mktemp("backward")
    for path in FILES:
        run(forward, "ingest", str(path))
    for path in reversed(FILES):
        run(backward, "ingest", str(path))
    return forward, backward


def meetings(home: Path) -> dict[str, dict]:
    return {m["id"]: m for m in json.loads(run(home, "meetings", "--json"))["meetings"]}


def test_decision_heading_gives_date_and_body() -> None:
    puk = decision_of("Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 24-04-2013", "2013-06-20", "X")
    assert (puk.decided_on, puk.decided_by) == ("2013-04-24", "Udvalget for plan, udvikling og kultur (PUK)")
    sfu = decision_of("Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2", None, None)
    assert (sfu.decided_on, sfu.decided_by) == ("2012-12-04", "Sundheds- og Forebyggelsesudvalget")
    plain = decision_of("Beslutning", "2025-10-24", "KKR Hovedstaden")
    assert (plain.decided_on, plain.decided_by) == ("2025-10-24", "KKR Hovedstaden")
    assert heading_date("Byrådets beslutning den 27. august 2025") == "2025-08-27"
    assert heading_date("Beslutning den 31-02-2013") == "2013-02-31" or heading_date("x 45-13-2013") is None


def _doc(sha: str, kind: str, items: tuple[Item, ...], text: str, quality: int = 0) -> SourceDoc:
    return SourceDoc(sha256=sha * 64, filename=f"{sha}.pdf", path=f"/x/{sha}.pdf", pages=len(items) + 1,
                     quality=quality, meeting=Meeting(kind=kind, body="B", date="2020-01-01", items=items),  # type: ignore[arg-type]
                     raw_texts={}, text=text)


def test_merge_roles_and_better_text_in_any_order() -> None:
    words = " ".join(f"ord{n}x" for n in range(200)).replace("0", "a").replace("1", "b")
    agenda_items = (Item("1", "Budget", sections=(Section("Indstilling", "Det indstilles at godkende"),)),
                    Item("2", "Skoler", sections=(Section("Indstilling", "Til orientering"),)))
    minutes_items = tuple(Item(i.number, i.title, sections=i.sections + (Section("Beslutning", "Godkendt"),))
                          for i in agenda_items)
    scan_items = (Item("1", "Budget", sections=(Section("Indstilling", "Det indst1lles at godk"),)),
                  Item("2", "Skoler", sections=()))
    docs = [_doc("a", "dagsorden", agenda_items, words), _doc("b", "referat", minutes_items, words + " beslutning"),
            _doc("c", "referat", scan_items, words, quality=1),
            _doc("d", "referat", (minutes_items[1],), "Skoler Godkendt")]
    one, other = merge_meeting("b-2020-01-01", docs), merge_meeting("b-2020-01-01", list(reversed(docs)))
    assert one == other
    assert {s.filename: s.role for s in one.sources} == {"a.pdf": "dagsorden", "b.pdf": "referat", "c.pdf": "copy",
                                                         "d.pdf": "item"}
    assert one.meeting.kind == "referat" and [i.item.number for i in one.items] == ["1", "2"]
    first = one.items[0]
    assert [(s.section.name, s.section.text) for s in first.sections] == [
        ("Indstilling", "Det indstilles at godkende"), ("Beslutning", "Godkendt")]
    assert first.sections[1].decided_on == "2020-01-01"


def test_same_files_in_opposite_orders_give_same_ids(homes: tuple[Path, Path]) -> None:
    forward, backward = homes
    assert meetings(forward).keys() == meetings(backward).keys()
    for meeting_id in meetings(forward):
        a = json.loads(run(forward, "show", meeting_id, "--json"))
        b = json.loads(run(backward, "show", meeting_id, "--json"))
        assert [i["id"] for i in a["items"]] == [i["id"] for i in b["items"]]
        assert a["sources"] == b["sources"]
    assert run(forward, "ingest", "--json", str(FILES[0])).count('"skipped"') == 1


def test_agenda_and_minutes_are_one_meeting(homes: tuple[Path, Path]) -> None:
    listed = meetings(homes[0])
    kkr = listed["kkr-hovedstaden-2025-10-24"]
    assert kkr["kind"] == "referat"
    assert {s["filename"]: s["role"] for s in kkr["sources"]} == {"002.pdf": "dagsorden", "002-referat.pdf": "referat"}
    data = json.loads(run(homes[0], "show", "kkr-hovedstaden-2025-10-24", "--json"))
    item = next(i for i in data["items"] if i["number"] == "3.1")
    assert item["id"] == "kkr-hovedstaden-2025-10-24/3.1"
    names = [s["name"] for s in item["sections"]]
    assert "Indstilling" in names and "Beslutning" in names and len(names) == len(set(names))
    ballerup = listed["sundheds-og-forebyggelsesudvalget-2012-12-04"]
    roles = sorted((s["role"], s["item_number"]) for s in ballerup["sources"])
    assert roles == [("item", "1"), ("item", "2"), ("item", "4"), ("referat", None)]
    aarhus = listed["aarhus-byraad-2025-08-27"]
    assert any(s["role"] == "bilag" and "havnens-perle" in s["filename"] for s in aarhus["sources"])
    assert len(listed) == 4


def test_case_lists_every_dated_decision(homes: tuple[Path, Path]) -> None:
    data = json.loads(run(homes[0], "case", "12/27845", "--json"))
    decisions = [d for entry in data["entries"] for d in entry["decisions"]]
    assert [d["decided_on"] for d in decisions] == ["2013-04-10", "2013-04-24", "2013-06-20"]
    assert all(d["text"] for d in decisions)


QUERIES = ["kommune", "godkender", "budget", "sundhed", "indstillingen", "bygningsvedligeholdelse", "takst",
           "kultur", "region", "forslag", "Meddelelser", "aflastning", "Beslutning", "erhvervshus", "byrådet"]


def test_no_search_returns_the_same_section_twice(homes: tuple[Path, Path]) -> None:
    """Hits per (meeting, item, section name) never exceed the sections of that name the merged item has."""
    stored: Counter[tuple[str, str | None, str]] = Counter()
    for meeting_id in meetings(homes[0]):
        data = json.loads(run(homes[0], "show", meeting_id, "--json"))
        for source in data["sources"]:  # a bilag's pages are found under the item that names it, one per page
            if source["role"] == "bilag":
                stored[(meeting_id, source["item_number"], "Tekst")] += source["pages"]
        for item in data["items"]:
            stored.update((meeting_id, item["number"], s["name"]) for s in item["sections"])
            stored.update([(meeting_id, item["number"], "Titel"), (meeting_id, item["number"], "Tabel")])
    total = 0
    for query in QUERIES:
        hits = json.loads(run(homes[0], "search", query, "--limit", "1000", "--json"))["hits"]
        found = Counter((h["meeting_id"], h["item_number"], h["section"]) for h in hits if h["item_number"])
        total += len(hits)
        assert all(n <= stored[key] for key, n in found.items()), (query, found - stored)
        keys = [(h["meeting_id"], h["item_number"], h["section"], h["snippet"]) for h in hits]
        assert len(keys) == len(set(keys)), query
    assert total > 50


def test_csv_tables_join_and_fts_matches_search(homes: tuple[Path, Path], tmp_path: Path) -> None:
    home = homes[0]
    run(home, "export", "--all", "--format", "csv", "--out", str(tmp_path))
    tables = {}
    for name in ("meetings", "items", "sections", "participants", "documents"):
        with (tmp_path / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    meeting_ids = {m["meeting_id"] for m in tables["meetings"]}
    item_ids = {i["item_id"] for i in tables["items"]}
    assert all(i["meeting_id"] in meeting_ids for i in tables["items"])
    assert all(s["item_id"] in item_ids for s in tables["sections"])
    assert all(p["meeting_id"] in meeting_ids for p in tables["participants"])
    assert {d["meeting_id"] for d in tables["documents"]} == meeting_ids
    stats = json.loads(run(home, "stats", "--json"))
    assert (len(tables["items"]), len(tables["sections"])) == (stats["items"], stats["sections"])
    db = sqlite3.connect(home / "moedearkiv.sqlite")
    word = "bygningsvedligeholdelse"
    fts = {row for row in db.execute(
        "SELECT m.id, i.number, s.name FROM sections_fts f JOIN sections s ON s.id = f.rowid "
        "JOIN items i ON i.id = s.item_id JOIN meetings m ON m.id = i.meeting_id WHERE sections_fts MATCH ?",
        (f"text:{word}",))}
    hits = json.loads(run(home, "search", word, "--limit", "1000", "--json"))["hits"]
    found = {(h["meeting_id"], h["item_number"], h["section"]) for h in hits if h["section"] not in ("Titel",)}
    assert fts and fts <= found
    decided = db.execute("SELECT COUNT(*) FROM decisions WHERE decided_on IS NOT NULL").fetchone()[0]
    assert decided >= 3


def test_exports_validate_and_keep_the_primary_source(homes: tuple[Path, Path], tmp_path: Path) -> None:
    run(homes[0], "export", "--all", "--out", str(tmp_path))  # validates each file against the schema
    data = json.loads((tmp_path / "kkr-hovedstaden-2025-10-24.json").read_text(encoding="utf-8"))
    assert data["source"]["filename"] == "002-referat.pdf"
    assert {s["source"] for i in data["items"] for s in i["sections"]} <= {s["sha256"] for s in data["sources"]}


def test_remove_takes_a_document_out_and_rebuilds(tmp_path: Path) -> None:
    for path in FILES[:2]:
        run(tmp_path, "ingest", str(path))
    referat = next(s for s in meetings(tmp_path)["kkr-hovedstaden-2025-10-24"]["sources"] if s["role"] == "referat")
    run(tmp_path, "remove", referat["sha256"])
    left = meetings(tmp_path)["kkr-hovedstaden-2025-10-24"]
    assert left["kind"] == "dagsorden" and [s["role"] for s in left["sources"]] == ["dagsorden"]
    assert json.loads(run(tmp_path, "search", "indstillingen", "--section", "Beslutning", "--json"))["total"] == 0
    run(tmp_path, "remove", "kkr-hovedstaden-2025-10-24")
    assert meetings(tmp_path) == {}
    for path in FILES[-2:]:  # removing a bilag rebuilds its meeting, never drops it
        run(tmp_path, "ingest", str(path))
    run(tmp_path, "remove", str(FILES[-1]))
    assert [s["role"] for s in meetings(tmp_path)["aarhus-byraad-2025-08-27"]["sources"]] == ["referat"]
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "remove", "no-such-meeting"])
    assert result.exit_code == 1 and "moedearkiv meetings" in result.output


@pytest.mark.slow
def test_participants_names_find_the_meeting(tmp_path: Path) -> None:
    run(tmp_path, "ingest", str(ROOT / "fixtures" / "pdf" / "001.pdf"))
    hits = json.loads(run(tmp_path, "search", "Benedikte Kiær", "--json"))["hits"]
    assert any(h["meeting_id"] == "kkr-hovedstaden-2025-09-02" and h["section"] == "Deltagere" for h in hits)


@pytest.mark.parametrize("order", [FILES, FILES[::-1]], ids=["forward", "backward"])
def test_a_file_is_said_to_join_a_meeting_exactly_when_an_earlier_file_was_filed_under_it(
        tmp_path: Path, order: list[Path]) -> None:
    """The `joined meeting` note comes from the rebuilt documents' own former meetings (the archive is not read
    whole for it). Oracle: the meeting each earlier file was filed under when it came (a meeting that existed
    before a file was printed for some earlier file). Backward, the referat comes after its bilag and takes it in:
    it made that meeting, it did not join it."""
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "ingest", "--workers", "1", *map(str, order)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    filed: list[tuple[str, str]] = []  # (file, the meeting it was filed under), in ingest order
    said: set[str] = set()
    for line in result.output.splitlines():  # each file's line, then its note
        if line.startswith("ingested  "):
            filed.append((Path(line.split()[1]).name, line.rsplit(" -> ", 1)[1]))
        elif line.startswith("joined meeting"):
            said.add(filed[-1][0])
    expected = {name for i, (name, meeting) in enumerate(filed) if any(m == meeting for _, m in filed[:i])}
    assert [name for name, _ in filed] == [p.name for p in order]
    assert said == expected and expected  # forward: the referat, the three item PDFs and the bilag
