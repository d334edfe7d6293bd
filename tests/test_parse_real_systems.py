"""Problems found on the real Aarhus (FirstAgenda), Ballerup (eDoc), Syddjurs (Acadre) PDFs and the KKR seeds,
each test named after the problem it caught. PDFs are read with the pipeline's pdfium extractor."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers import lines_from_text, parse_document
from parsers.model import Item, Line, Meeting
from pipeline.extract import read_text_layer

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "real"
FIXTURES = ROOT / "fixtures" / "pdf"
SEEDS = Path("/work/shared/seeds")
AARHUS = REAL / "dk_aarhus_byraad_2025-08-27_referat.pdf"
BALLERUP = REAL / "dk_ballerup_sundheds-forebyggelsesudvalget_2012-12-04_referat.pdf"
SYDDJURS = REAL / "dk_syddjurs_puk_2013-06-20_ekstraordinaert_referat.pdf"
CASE_LINE = re.compile(r"^\s*(?:(?:SAG|EMN)-\d{4}-\d+.*|Sags?\.?\s?nr\.?.*)$", re.IGNORECASE)


def pdf_lines(path: Path) -> list[Line]:
    if not path.exists():
        pytest.skip(f"{path.name} not present")
    return [line for page in read_text_layer(pdfium.PdfDocument(path)) for line in page.lines]


def parse_pdf(path: Path) -> Meeting:
    return parse_document(pdf_lines(path), path.name)


def seed_lines(prefix: str) -> list[Line]:
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.skip("shared seeds not present")
    return lines_from_text(paths[0].read_text(encoding="utf-8"))


def without_case_numbers(lines: list[Line]) -> list[Line]:
    """The same document as a template that prints no case numbers."""
    kept = [line for line in lines if not CASE_LINE.match(line.text)]
    assert len(kept) < len(lines)  # the document had case-number lines to take away
    return kept


def item(meeting: Meeting, number: str) -> Item:
    return next(i for i in meeting.items if i.number == number)


def section(found: Item, name: str) -> str:
    return next(s.text for s in found.sections if s.name == name)


# 1. items without case numbers -------------------------------------------------------------------------------

def test_plain_text_agenda_without_case_numbers_still_has_items() -> None:
    lines = seed_lines("000")
    with_cases = parse_document(lines, "000.txt")
    stripped = parse_document(without_case_numbers(lines), "000.txt")
    assert [(i.number, i.title, i.heading) for i in stripped.items] == [
        (i.number, i.title, i.heading) for i in with_cases.items]
    assert stripped.kind == "dagsorden" and all(i.case_number is None for i in stripped.items)
    assert [s.name for s in item(stripped, "3.7").sections] == [s.name for s in item(with_cases, "3.7").sections]


def test_plain_text_without_toc_or_case_numbers_numbers_items_in_sequence() -> None:
    stripped = parse_document(without_case_numbers(seed_lines("003")), "003.txt")  # 003 lost its cover and toc
    numbers = [i.number for i in stripped.items]
    assert numbers[:3] == ["1.1", "1.2", "2.1"] and numbers[-1] == "4.1" and len(numbers) == 16
    assert all(any(s.name == "Beslutning" for s in i.sections) for i in stripped.items)


@pytest.mark.parametrize("path", [AARHUS, BALLERUP])
def test_pdf_without_case_numbers_finds_items_by_layout_and_toc(path: Path) -> None:
    lines = pdf_lines(path)
    with_cases = parse_document(lines, path.name)
    stripped = parse_document(without_case_numbers(lines), path.name)
    assert [(i.number, i.title, i.closed) for i in stripped.items] == [
        (i.number, i.title, i.closed) for i in with_cases.items]


@pytest.mark.parametrize("path", [REAL / "dk_aarhus_byraad_2025-08-26_bilag_email-havnens-perle.pdf",
                                  REAL / "dk_aarhus_sundhed-omsorg_2025-08-29_bilag_sager-paa-vej.pdf",
                                  REAL / "dk_kkr-hovedstaden_2012_invitation_dialogmoede-2013-01-23.pdf",
                                  FIXTURES / "004.pdf"])
def test_numbered_lists_in_non_agendas_are_not_items(path: Path) -> None:
    meeting = parse_pdf(path)  # numbered questions, chapters and a 'foreløbig dagsorden' without sections
    assert meeting.items == () and meeting.kind in ("bilag", "andet")


def test_report_numbered_chapters_in_plain_text_are_not_items() -> None:
    meeting = parse_document(seed_lines("004"), "004.txt")
    assert meeting.items == () and meeting.kind in ("bilag", "andet")


# 2. Aarhus sections --------------------------------------------------------------------------------------------

def test_aarhus_decision_ends_where_the_party_proposal_begins() -> None:
    meeting = parse_pdf(AARHUS)
    decision = section(item(meeting, "2"), "Beslutning")
    assert decision == ("Fremsendes til Teknisk Udvalg til behandling i henhold til beslutning i byrådets møde den "
                        "27. august 2025.")
    assert "BESLUTNINGSFORSLAG" not in section(item(meeting, "3"), "Beslutning")


def test_aarhus_proposal_background_is_body_text_not_a_section() -> None:
    meeting = parse_pdf(AARHUS)
    for number in ("2", "6", "16"):
        names = [s.name for s in item(meeting, number).sections]
        assert "Baggrund" not in names, number
        assert "Beslutningsforslag" in names
    proposal = section(item(meeting, "2"), "Beslutningsforslag")
    assert "Baggrund:" in proposal and "Begrundelse:" in proposal


def test_aarhus_closed_item_text_is_its_decision() -> None:
    closed = item(parse_pdf(AARHUS), "21")
    assert closed.closed and closed.title == "Køb af landbrugsejendom"
    assert [s.name for s in closed.sections] == ["Beslutning"]
    assert section(closed, "Beslutning").startswith("Tilbagesendes Magistratsafdelingen for Teknik og Miljø")


def test_aarhus_endorsement_is_its_own_section_and_stray_dot_dropped() -> None:
    meeting = parse_pdf(AARHUS)
    assert section(item(meeting, "2"), "Indstilling").endswith("kommende permanent placering.")
    assert section(item(meeting, "2"), "Påtegning").startswith("Fremsendes til Magistraten.")
    assert section(item(meeting, "5"), "Beslutning").endswith("indstilling af 19. august 2025.")


# 3. metadata ---------------------------------------------------------------------------------------------------

def test_single_item_print_takes_date_and_body_from_its_decision_heading() -> None:
    meeting = parse_pdf(REAL / "dk_ballerup_sfu_2012-12-04_punkt04_takstreduktion.pdf")
    # 'Sundheds- og Forebyggelsesudvalget den 30. maj 2012 Punkt 7' is the case history, not this meeting
    assert (meeting.date, meeting.body) == ("2012-12-04", "Sundheds- og Forebyggelsesudvalget")
    meddelelser = parse_pdf(REAL / "dk_ballerup_sfu_2012-12-04_punkt01_meddelelser.pdf")
    assert meddelelser.date == "2012-12-04"  # not 'Konference den 23. januar 2012' from the text


def test_sentence_naming_the_council_is_not_the_body() -> None:
    meeting = parse_pdf(REAL / "dk_ballerup_sfu_2012-12-04_punkt02_bygningsvedligeholdelse.pdf")
    assert meeting.body == "Sundheds- og Forebyggelsesudvalget"  # not 'i Kommunalbestyrelsen'


def test_cover_address_lines_under_the_time_are_the_location() -> None:
    meeting = parse_pdf(SYDDJURS)
    assert meeting.location == "Kaløvig Kursuscenter, Præstekravevej 46, Følle Strand, 8410 Rønde"
    assert (meeting.date, meeting.start_time) == ("2013-06-20", "10:30")


def test_body_name_wrapped_over_two_cover_rows_is_joined() -> None:
    path = FIXTURES / "004.pdf"
    assert parse_pdf(path).body == "Embedsmandsudvalget for det specialiserede socialområde"


# 4. participants -----------------------------------------------------------------------------------------------

def test_ballerup_members_with_party_and_chair_roles() -> None:
    people = parse_pdf(BALLERUP).participants
    assert len(people) == 7 and all(p.status == "present" and p.party for p in people)
    roles = {p.name: p.role for p in people if p.role}
    assert roles == {"Lolan Ottesen": "formand", "Grethe Larsen": "næstformand"}
    assert "Mie Helene Andresen" not in {p.name for p in people}  # the secretary is not a member


def test_syddjurs_members_list_with_party_letters() -> None:
    people = parse_pdf(SYDDJURS).participants
    assert [(p.name, p.party) for p in people] == [("Jesper Mathiesen", "A"), ("Ole Bollesen", "A"),
                                                  ("Niels Viderø", "A"), ("Ole Bjerregaard", "V"),
                                                  ("Steen Fris", "C")]


def test_absent_list_is_read_as_absent() -> None:
    text = ("Referat\nØkonomiudvalget\ntirsdag den 4. december 2012, kl. 13:00\n\nTilstede\nAnne Hansen (A) - formand\n"
            "Bo Jensen (V)\n\nAfbud/Fraværende\nCarl Olsen (C)\n\nSekretær\nDorte Berg\n")
    people = parse_document(lines_from_text(text), "x.txt").participants
    assert [(p.name, p.status, p.role) for p in people] == [
        ("Anne Hansen", "present", "formand"), ("Bo Jensen", "present", None), ("Carl Olsen", "absent", None)]


# 5. attachments ------------------------------------------------------------------------------------------------

def test_acadre_attachment_numbers_and_access_are_dropped() -> None:
    attachments = parse_pdf(SYDDJURS).items[0].attachments
    assert attachments[0] == "Opsamlingsnotat. Temamøde 20.09.2012"
    assert attachments[2] == "Kulturkommune 2017 - arbejdsoplæg til Udvalget for Plan, Udvikling og Kultur"


def test_edoc_attachment_document_numbers_dropped_and_sub_items_kept_out() -> None:
    meeting = parse_pdf(BALLERUP)
    assert item(meeting, "1").attachments == (
        "Hvordan udvikler vi det nære sundhedsvæsen sammen?", "Forebyggelse af ulighed i sundhedsvæsenet",
        "Redegørelse fra Træning og Aktivitet vedrørende Seniorrådets høringssvar")
    assert item(meeting, "8").attachments == ()  # 'Bilag: Ingen'


# 7. decision bounds on the real referater ----------------------------------------------------------------------

def test_real_referater_decisions_found_and_bounded() -> None:
    import importlib.util  # noqa: PLC0415
    import sys  # noqa: PLC0415

    script = Path(__file__).parent / "data" / "parse" / "score_real.py"
    spec = importlib.util.spec_from_file_location("score_real", script)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["score_real"] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    scores = module.score_all(REAL)
    if not scores:
        pytest.skip("real referater not present")
    for name, s in scores.items():
        assert s.items_found == s.items_expected, name
        assert s.titles[0] == s.titles[1] and s.case_numbers[0] == s.case_numbers[1], name
        assert s.decisions_found[0] == s.decisions_found[1] == s.decisions_bounded[0], name
