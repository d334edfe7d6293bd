"""The generic parser on layouts no template was written for: the real SBSYS referat, headings a document
repeats, inline headings, stacked cover labels, number rows, member lists without a heading; and
`moedearkiv parse --explain`."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from cli import main
from parsers import parse_document
from parsers.document import parse_traced
from parsers.model import Line, Meeting
from pipeline.extract import read_text_layer

ROOT = Path(__file__).resolve().parents[1]
SBSYS = Path("/work/shared/corpus/real/dk_aarhus_moedesystemgruppen_2016-10-06_referat.pdf")


def pdf_lines(path: Path) -> list[Line]:
    return [line for page in read_text_layer(pdfium.PdfDocument(path)) for line in page.lines]


def lines(*rows: tuple[str, bool] | str, size: float = 10.0) -> list[Line]:
    """Layout lines: (text, bold) or text (not bold); every row a paragraph of its own."""
    out = []
    for k, row in enumerate(rows):
        text, bold = (row, False) if isinstance(row, str) else row
        out.append(Line(text=text, page=1 + k // 40, top=float(k), size=size, bold=bold, gap_before=size * 1.5))
    return out


@pytest.fixture(scope="module")
def sbsys() -> Meeting:
    if not SBSYS.exists():
        pytest.skip("real corpus not present")
    return parse_document(pdf_lines(SBSYS), SBSYS.name)


def test_sbsys_referat_items_titles_and_metadata(sbsys: Meeting) -> None:
    assert [i.number for i in sbsys.items] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3"]
    assert sbsys.items[0].title == "Status siden sidst" and sbsys.items[0].heading == "First Agenda"
    assert sbsys.items[4].heading == "GetOrganized" and sbsys.items[-1].title == "Eventuelt"
    assert (sbsys.kind, sbsys.body, sbsys.date, sbsys.start_time, sbsys.location) == (
        "referat", "Mødesystemgruppen", "2016-10-06", "13:00", "Rådhuset lokale 233")
    assert sbsys.template == "sbsys"
    assert len(sbsys.participants) == 10 and sbsys.participants[0].name == "Jeppe Kirkegaard"


def test_sbsys_referat_sections_repeated_under_each_item(sbsys: Meeting) -> None:
    first = sbsys.items[0]
    assert [s.name for s in first.sections] == ["Oplæg", "Beslutning"]
    assert first.sections[1].text.startswith("Alle skal have indhold.")  # 'Referat: Alle ...' inline
    assert all([s.name for s in i.sections] == ["Oplæg", "Beslutning"] for i in sbsys.items)


def test_number_rows_below_titles_bold_headings_and_a_date_row() -> None:
    meeting = parse_document(lines(
        ("Kommunalbestyrelsen", True), "24-09-2019", "Tidspunkt: Kl. 19:00", "Sted: Rådhuset, salen",
        ("Spørgetid", True), "Sag nr. 129", ("Sagens kerne", True), "Borgerne kan stille spørgsmål.",
        ("Beslutning", True), "Der var ingen spørgsmål.",
        ("Salg af grund", True), "Sag nr. 130", ("Sagens kerne", True), "En køber har budt.",
        ("Beslutning", True), "Godkendt.",
    ), "x.pdf")
    assert [(i.number, i.title) for i in meeting.items] == [("129", "Spørgetid"), ("130", "Salg af grund")]
    assert [s.name for s in meeting.items[1].sections] == ["Sagens kerne", "Beslutning"]
    assert (meeting.kind, meeting.date, meeting.start_time, meeting.location) == (
        "referat", "2019-09-24", "19:00", "Rådhuset, salen")


def test_date_never_from_a_sentence_in_an_item() -> None:
    meeting = parse_document(lines(
        ("Byrådet", True), ("1. Godkendelse af dagsorden", True), "Sag 306-2009-600 / Dok. 12/10 / Initialer: PIM",
        ("Indstilling", True), "Det indstilles, at dagsordenen for mødet den 3. marts 2010 godkendes.",
        ("2. Budget", True), "Sag 306-2009-601 / Dok. 13/10 / Initialer: PIM", ("Indstilling", True), "Godkendes.",
    ), "x.pdf")
    assert [(i.number, i.case_number, i.case_initials) for i in meeting.items] == [
        ("1", "306-2009-600", "PIM"), ("2", "306-2009-601", "PIM")]
    assert meeting.date is None


def test_closed_markers_and_committee_date_decisions() -> None:
    meeting = parse_document(lines(
        ("Pkt. 42", True), ("Beslutninger om dagsordenen", True),
        "Sagsnr. 299835 Kultur- og Idrætsudvalget Åbent punkt",
        ("Kultur- og Idrætsudvalget, 03-04-2019, pkt. 42", True), "Godkendt.",
        ("Pkt. 43", True), ("Køb af ejendom", True), "Sagsnr. 299836 Kultur- og Idrætsudvalget Lukket punkt",
        ("Kultur- og Idrætsudvalget, 03-04-2019, pkt. 43", True), "Tiltrådt.",
    ), "x.pdf")
    assert [(i.number, i.title, i.case_number, i.closed) for i in meeting.items] == [
        ("42", "Beslutninger om dagsordenen", "299835", False), ("43", "Køb af ejendom", "299836", True)]
    assert [s.text for i in meeting.items for s in i.sections if s.name == "Beslutning"] == ["Godkendt.", "Tiltrådt."]


def test_member_list_without_heading_on_the_front_pages() -> None:
    path = ROOT / "fixtures" / "pdf" / "003.pdf"
    meeting = parse_document(pdf_lines(path), path.name)
    assert len(meeting.participants) >= 9
    assert meeting.participants[0].name == "Maja Højgaard" and meeting.participants[0].party == "A"


def test_explain_names_every_row_and_the_template(tmp_path: Path) -> None:
    path = ROOT / "fixtures" / "pdf" / "001.pdf"
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "parse", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0].startswith("template: kl-prepare") and "sbsys 0.00" in out[0]
    roles = {line.split()[1] for line in out[4:] if line.startswith("p")}
    assert {"item", "case-number", "heading", "body", "furniture", "metadata"} <= roles
    trace = parse_traced(pdf_lines(path), path.name)
    assert sum(line.split()[1:2] == ["item"] for line in out[4:]) >= len(trace.meeting.items)
    assert not (tmp_path / "h" / "moedearkiv.sqlite").exists()  # the archive was not touched


def test_parse_json_is_the_export(tmp_path: Path) -> None:
    path = ROOT / "fixtures" / "pdf" / "000.pdf"
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "parse", "--json", str(path)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["meeting"]["template"] == "kl-prepare" and len(document["items"]) > 5


def test_item_without_case_number_numbered_like_the_group_rows_is_an_item() -> None:
    """SBSYS prints '3 Eventuelt' like the group rows '1 Digital Post' over '1.1 Title' / 'Sag: EMN-…', but with
    its own sections and no case number: it is item 3, and the group row '2 Skabeloner' is no decision text."""
    meeting = parse_document(lines(
        ("Referat", True), "Dato: 3. november 2016",
        ("1 Digital Post", True), "1.1 Status", "Sag: EMN-2016-07711", "Oplæg: Breve er sendt.",
        "Referat: Taget til efterretning.",
        "1.2 Fritagelser", "Sag: EMN-2016-07712", "Oplæg: Tre trin.", "Referat: Godkendt.",
        ("2 Skabeloner", True), "2.1 Ny skabelon", "Sag: EMN-2016-08020", "Oplæg: Testet.", "Referat:",
        ("3 Eventuelt", True), "Oplæg:", "Referat: Næste møde i december.",
    ), "x.pdf")
    assert [(i.number, i.title, i.heading, i.case_number) for i in meeting.items] == [
        ("1.1", "Status", "Digital Post", "EMN-2016-07711"), ("1.2", "Fritagelser", "Digital Post", "EMN-2016-07712"),
        ("2.1", "Ny skabelon", "Skabeloner", "EMN-2016-08020"), ("3", "Eventuelt", None, None)]
    decisions = [s.text for i in meeting.items for s in i.sections if s.name == "Beslutning"]
    assert decisions == ["Taget til efterretning.", "Godkendt.", "", "Næste møde i december."]


def test_a_bold_numbered_row_without_sections_is_no_item() -> None:
    """The same shape without sections under it is a group row (or a list line), never an item."""
    meeting = parse_document(lines(
        ("1 Digital Post", True), "1.1 Status", "Sag: EMN-2016-07711", "Oplæg: Breve er sendt.", "Referat: Ok.",
        ("2 Skabeloner", True), "Ingen sager i denne omgang.",
    ), "x.pdf")
    assert [i.number for i in meeting.items] == ["1.1"]
    assert meeting.items[0].sections[-1].text == "Ok."


def test_running_header_on_one_page_in_the_top_margin_is_furniture() -> None:
    """A header printed from page 2 on, in a 2-page document, is on one page only: too few pages to see it
    repeat. It is set smaller than the body, above where the text starts on every page: page furniture."""
    rows = [Line("Byrådet - Referat", 1, top=60, size=17, bold=True),
            Line("Dato: 29. januar 2020", 1, top=90, size=10, bold=False, gap_before=17),
            Line("1. Salg af jord", 1, top=120, size=13, bold=True, gap_before=20),
            Line("Sagsnr.: 12/27845", 1, top=140, size=10, bold=False, gap_before=6),
            Line("Beslutning", 1, top=160, size=10, bold=True, gap_before=12),
            Line("Godkendt med den", 1, top=780, size=10, bold=False, gap_before=6),
            Line("Byrådet - Referat - 29. januar 2020", 2, top=30, size=8, bold=False),
            Line("ændring, der blev aftalt.", 2, top=59, size=10, bold=False),
            Line("small print at the page top", 2, top=75, size=8, bold=False, gap_before=6)]
    meeting = parse_document(rows, "x.pdf")
    decision = meeting.items[0].sections[-1]
    assert decision.name == "Beslutning"
    assert decision.text == "Godkendt med den ændring, der blev aftalt. small print at the page top"


def test_a_templates_ignore_rows_are_no_body_text() -> None:
    """`Template.ignore` is what keeps an item's metadata rows out of its first section: the generic rows
    ('Dok.nr.: …', 'Åbent') always, a template's own only when that template parses."""
    from parsers.layout import Row
    from parsers.sections import split_sections
    from parsers.templates.base import verbose

    rows = [Row("Dok.nr.: 2012-202935", 1, True), Row("Åbent", 1, True), Row("Teksten om sagen.", 1, True)]
    assert split_sections(rows)[0].text == "Teksten om sagen."
    labelled = [Row("Udvalg: Økonomi", 1, True), Row("Teksten om sagen.", 1, True)]
    own = (verbose(r"^udvalg\s*:", re.IGNORECASE),)  # Udvalg: Økonomi
    assert split_sections(labelled)[0].text == "Udvalg: Økonomi\nTeksten om sagen."
    assert split_sections(labelled, own)[0].text == "Teksten om sagen."


def _headerless_minutes(footer: str | None) -> list[Line]:
    """Seed 003's shape: the header lost, members listed, item 1.1's recommendation names a meeting date."""
    rows = ["Maja Højgaard (A), Brøndby Kommune", "Marco Damgaard (A), Herlev Kommune",
            "Merete Amdisen (A), Ishøj Kommune", ("1. Godkendelse af referat og dagsorden", True),
            ("1.1. Godkendelse af dagsorden", True), "SAG-2025-01103 ascm", ("Indstilling", True),
            "Det indstilles, at KKR Hovedstaden godkender dagsordenen for møde den 11. april 2025.",
            ("Beslutning", True), "Godkendt.", ("1.2. Godkendelse af referat", True), "SAG-2025-01103 ascm",
            ("Beslutning", True), "Referatet fra mødet den 3. februar 2025 blev godkendt."]
    out = lines(*rows)
    if footer:
        out.append(Line(text=footer, page=1, top=800.0, size=8.0, bold=False, gap_before=30.0))
    return out


def test_headerless_minutes_take_the_date_from_the_page_footer_never_from_a_sentence() -> None:
    """Seed 003 decided (issue 8): the date is what the document states as its own (a page footer
    'KKR Hovedstaden | 11-04-2025', a dated decision heading), never the date in a recommendation's sentence."""
    assert parse_document(_headerless_minutes("KKR Hovedstaden | 12-04-2025"), "x.pdf").date == "2025-04-12"
    assert parse_document(_headerless_minutes(None), "x.pdf").date is None


def test_seed_003_date_comes_from_its_footer_and_its_first_pages_have_none() -> None:
    path = ROOT / "fixtures" / "pdf" / "003.pdf"
    assert parse_document(pdf_lines(path), path.name).date == "2025-04-11"  # 'KKR Hovedstaden | 11-04-2025'
    first = pdfium.PdfDocument.new()
    first.import_pages(pdfium.PdfDocument(path), list(range(6)))  # pages 1-6: no footer date, only sentences
    pages = [line for page in read_text_layer(first) for line in page.lines]
    assert parse_document(pages, "003-p1-6.pdf").date is None


def _small(text: str, page: int = 1) -> Line:
    return Line(text=text, page=page, size=8.0, bold=False, gap_before=12.0)


def _web_referat(link: str = "Til toppen", decision: str = "Godkendt") -> list[Line]:
    out = [Line("Social og sundheds møde den 17. april 2023", 1, size=16.0, bold=True),
           Line("Ekstraordinært møde - Mødelokale F7 kl. 12.00", 1, size=10.0, bold=False, gap_before=12.0)]
    for number, title in (("38", "Godkendelse af dagsorden"), ("39", "Flytning af tandklinik")):
        out += [Line(f"{number}  {title}", 1, size=13.0, bold=True, gap_before=20.0),
                Line("Beslutning", 1, size=11.0, bold=True, gap_before=12.0),
                Line(decision, 1, size=10.0, bold=False, gap_before=6.0), _small(link)]
    return out


def test_a_link_printed_small_beside_every_item_title_is_no_decision_text() -> None:
    """'Til toppen' after each item of a web print: short, small type, identical, next to the next title."""
    meeting = parse_document(_web_referat(), "x.pdf")
    assert [(i.number, i.sections[-1].text) for i in meeting.items] == [("38", "Godkendt"), ("39", "Godkendt")]
    assert (meeting.body, meeting.date, meeting.start_time, meeting.location) == (
        "Social og sundhed", "2023-04-17", "12:00", "Mødelokale F7")


def test_a_repeated_decision_in_body_type_stays_text_and_a_closed_marker_is_never_a_link() -> None:
    kept = parse_document(_web_referat(link="Lukket punkt"), "x.pdf")
    assert all("Lukket punkt" in i.sections[-1].text for i in kept.items)  # a status row, not a link to drop
    plain = parse_document(_web_referat(decision="Ingen bemærkninger"), "x.pdf")
    assert [i.sections[-1].text for i in plain.items] == ["Ingen bemærkninger"] * 2
