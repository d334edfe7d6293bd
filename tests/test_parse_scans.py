"""OCR rows of scans (no bold, no type size): the problems scanned layouts showed, each on a small row list.

Rows come from `lines_from_text`, as OCR output or a text file reaches the parser: a blank line between
Tesseract's paragraphs, no layout.
"""
from __future__ import annotations

from parsers.document import lines_from_text, parse_document
from parsers.items import mended_case
from parsers.layout import to_rows
from parsers.model import Line, Meeting
from parsers.ocr_rows import mended_number, without_trailing_specks


def _parse(text: str) -> Meeting:
    return parse_document(lines_from_text(text), "scan.pdf")


def _sections(meeting: Meeting, number: str) -> list[tuple[str, str]]:
    item = next(i for i in meeting.items if i.number == number)
    return [(s.name, s.text) for s in item.sections]


TYPED_MINUTES = """VESTER EGEDE SOGNERÅD
Mødet den 8. november 1962 kl. 19.00 i skolen i Vester Egede.
Til stede: Niels Jensen, Karl Olsen.

Pkt. 1. FORHANDLINGSPROTOKOLLEN

Beslutning: Protokollen fra sidste møde oplæstes og godkendtes.

Pkt. 2. SKOLENS KAKKELOVNE

Sagsfremstilling: Lærer Madsen har meddelt, at to kakkelovne i den store
skolestue ryger og ikke kan holde varmen.
Beslutning: Det vedtoges at indhente tilbud på nye ovne fra to smede i
sognet. i

Pkt. 3. VEJEN TIL EGEDE MARK

Sagsfremstilling: Lodsejerne ønsker vejen grusbelagt inden frosten.
Beslutning: Bevilget 800 kr. af vejkontoen.
"""


def test_inline_decision_in_the_same_ocr_paragraph_after_a_finished_sentence_opens_its_section() -> None:
    meeting = _parse(TYPED_MINUTES)
    assert [i.number for i in meeting.items] == ["1", "2", "3"]
    assert _sections(meeting, "3") == [("Sagsfremstilling", "Lodsejerne ønsker vejen grusbelagt inden frosten."),
                                       ("Beslutning", "Bevilget 800 kr. af vejkontoen.")]
    assert _sections(meeting, "2")[1] == ("Beslutning",
                                          "Det vedtoges at indhente tilbud på nye ovne fra to smede i sognet.")


def test_inline_label_inside_a_running_sentence_stays_text() -> None:
    """Only after a finished sentence: 'Beslutning:' continuing an unfinished row is no heading of its own."""
    text = TYPED_MINUTES.replace("Lodsejerne ønsker vejen grusbelagt inden frosten.",
                                 "Lodsejerne henviser til sognerådets")
    sections = _sections(_parse(text), "3")
    assert [name for name, _ in sections] == ["Sagsfremstilling"]


def test_parish_council_in_capitals_is_the_body_even_with_o_read_as_oe() -> None:
    assert _parse(TYPED_MINUTES).body == "Vester Egede Sogneråd"
    assert _parse(TYPED_MINUTES.replace("SOGNERÅD", "SØGNERÅD")).body == "Vester Egede Søgneråd"


def test_ocr_box_height_is_no_type_size_for_the_largest_name() -> None:
    """An OCR row's size is its words' box height; a sentence with descenders is no cover title."""
    lines = [Line(text=t, page=1, size=s, bold=None) for t, s in (
        ("Mødet den 8. november 1962 kl. 19.00.", 9.0), ("", None), ("Pkt. 1. VEJEN", 9.0), ("", None),
        ("Sagsfremstilling: Lærer Madsen har meddelt, at ovnene ryger og", 14.0), ("Beslutning: Godkendt.", 9.0))]
    assert parse_document(lines, "scan.pdf").body is None


def test_trailing_speck_after_a_heading_keeps_it_a_heading() -> None:
    """'Indstilling .': the speck hid a known heading, and with it the unknown 'Høring' above it, which counts as
    a heading only when its paragraph closes before a known one (Tesseract puts heading and text in one)."""
    text = """Pkt. 1. LOKALPLAN 87

Sagsfremstilling
Lokalplanforslaget giver mulighed for 38 rækkehuse.

Høring
Forslaget har været drøftet med grundejerforeningen.

Indstilling .
Direktionen indstiller, at forslaget vedtages.

Pkt. 2. VINTERTJENESTE

Sagsfremstilling
Regulativet skal revideres.

Høring
Ingen bemærkninger.

Indstilling |
Direktionen indstiller, at regulativet godkendes.
"""
    meeting = _parse(text)
    assert [name for name, _ in _sections(meeting, "1")] == ["Sagsfremstilling", "Høring", "Indstilling"]
    assert _sections(meeting, "2")[-1] == ("Indstilling", "Direktionen indstiller, at regulativet godkendes.")


def test_lone_letter_after_the_last_full_stop_goes_only_where_the_paragraph_ends() -> None:
    assert without_trailing_specks("sognet. i", paragraph_ends=True) == "sognet."
    assert without_trailing_specks("ramme på 4,2 mio. kr. i", paragraph_ends=False) == "ramme på 4,2 mio. kr. i"
    assert without_trailing_specks("Fraværende: Ingen. | |", paragraph_ends=False) == "Fraværende: Ingen."
    assert without_trailing_specks("Referat : '", paragraph_ends=True) == "Referat :"
    assert without_trailing_specks("den kommende Region Østdanmark .", paragraph_ends=False) == (
        "den kommende Region Østdanmark.")  # a full stop set apart is kept, joined to its word
    rows = to_rows(lines_from_text("Beløbet er 4,2 mio. kr. i\net år.\n\nsognet. i\n"))
    assert [r.text for r in rows] == ["Beløbet er 4,2 mio. kr. i", "et år.", "sognet."]


def test_text_layer_rows_keep_their_last_token() -> None:
    rows = to_rows([Line(text="Beløbet er godkendt. i", page=1, size=10.0, bold=False)])
    assert rows[0].text == "Beløbet er godkendt. i"


PRINTOUT = """Kommunalbestyrelsen

Referat

Mødeleder: Hanne Staff

Til efterretning - for åbne døre

89. Kvartalsrapport pr. 31. marts 2002

J.nr.: 00.30.1009 Dok.nr.: 4499/02 Initialer: KBR Åben sag

Sagsfremstilling

Driften forventes at holde rammen.

Beslutning

Taget til efterretning.

Til behandling - for åbne døre
90. Pasningsgaranti i dagpleje

J.nr.: 28.00.00P20 Dok.nr.: 4500/02 Initialer: KBR Åben sag

Beslutning
Godkendt.

Til behandling - for lukkede døre
91. Lukket sag: Tandpleje for børn

J.nr.: 29.09.00001 Dok.nr.: 4501/02 Initialer: KBR Lukket sag

Beslutning
Godkendt.
"""


def test_kle_journal_number_with_its_facet_lost_or_read_as_zero_still_anchors_the_item() -> None:
    meeting = _parse(PRINTOUT)
    assert [(i.number, i.case_number) for i in meeting.items] == [
        ("89", "00.30.1009"), ("90", "28.00.00P20"), ("91", "29.09.00Ø01")]
    assert mended_case("00.30.10009") == "00.30.10Ø09" and mended_case("28.00.00P20") == "28.00.00P20"


def test_typed_group_row_is_no_text_of_the_item_above_but_heads_the_next() -> None:
    meeting = _parse(PRINTOUT)
    assert _sections(meeting, "89")[-1] == ("Beslutning", "Taget til efterretning.")
    assert _sections(meeting, "90") == [("Beslutning", "Godkendt.")]
    by_number = {i.number: i for i in meeting.items}
    assert by_number["90"].heading == "Til behandling - for åbne døre"
    assert by_number["91"].heading == "Til behandling - for lukkede døre" and by_number["91"].closed


def test_unfinished_last_line_is_not_taken_for_a_group_row() -> None:
    """The row before must end a sentence: a decision's last line without a full stop stays the decision."""
    text = PRINTOUT.replace("Godkendt.\n\nTil behandling - for lukkede døre\n", "Godkendt af\nFormand Hanne Staff\n")
    assert _sections(_parse(text), "90") == [("Beslutning", "Godkendt af Formand Hanne Staff")]


def test_item_numbers_read_with_ocr_confusions_are_mended() -> None:
    text = (TYPED_MINUTES.replace("Pkt. 1. FORH", "Pkt. l. FORH").replace("Pkt. 2. SKO", "Pkt. 2, SKO")
            .replace("Pkt. 3. VEJ", "Pkt. 3! VEJ"))
    meeting = _parse(text)
    assert [(i.number, i.title) for i in meeting.items] == [
        ("1", "FORHANDLINGSPROTOKOLLEN"), ("2", "SKOLENS KAKKELOVNE"), ("3", "VEJEN TIL EGEDE MARK")]


def test_number_mending_needs_a_digit_or_a_label() -> None:
    assert mended_number("1O. Budgetopfølgning") == "10. Budgetopfølgning"
    assert mended_number("I. Indledning") == "I. Indledning"  # a Roman numeral
    assert mended_number("3, Borgerne ønsker") == "3, Borgerne ønsker"  # a list inside a sentence
    assert mended_number("Punkt 7: Budget") == "Punkt 7: Budget"
    rows = to_rows([Line(text="l. Godkendelse", page=1, size=10.0, bold=True),
                    Line(text="Pkt. l. Godkendelse", page=1, size=10.0, bold=True)])
    assert [r.text for r in rows] == ["l. Godkendelse", "Pkt. l. Godkendelse"]  # a text layer is as printed


def test_labelled_item_numbers_need_no_section_labels_under_them() -> None:
    """Old minutes print 'Pkt. 1.', 'Pkt. 2.' over plain paragraphs: the label word is the evidence."""
    meeting = _parse(TYPED_MINUTES.replace("Beslutning: ", "").replace("Sagsfremstilling: ", ""))
    assert [i.number for i in meeting.items] == ["1", "2", "3"]
    assert _sections(meeting, "3")[0][1].startswith("Lodsejerne ønsker vejen grusbelagt inden frosten.")


def test_bare_numbered_paragraphs_without_sections_stay_text() -> None:
    """Without a label word and without sections, '1.', '2.' paragraphs are a list, not items."""
    text = TYPED_MINUTES.replace("Beslutning: ", "").replace("Sagsfremstilling: ", "").replace("Pkt. ", "")
    assert _parse(text).items == ()


def test_title_and_text_typed_on_one_row_are_split() -> None:
    text = (TYPED_MINUTES
            .replace("Pkt. 1. FORHANDLINGSPROTOKOLLEN\n\nBeslutning: ", "Ad pkt. 1. Forhandlingsprotokollen. ")
            .replace("Pkt. 2. SKOLENS KAKKELOVNE\n\nSagsfremstilling: ", "Ad pkt. 2. Skolens kakkelovne. ")
            .replace("Pkt. 3. VEJEN TIL EGEDE MARK\n\nSagsfremstilling: ",
                     "Ad pkt. 3. Vejen nr. 4 til Egede Mark. "))
    meeting = _parse(text)
    assert [(i.number, i.title) for i in meeting.items] == [
        ("1", "Forhandlingsprotokollen"), ("2", "Skolens kakkelovne"), ("3", "Vejen nr. 4 til Egede Mark")]
    assert _sections(meeting, "1") == [("Sagsfremstilling", "Protokollen fra sidste møde oplæstes og godkendtes.")]
    assert _sections(meeting, "3") == [("Sagsfremstilling", "Lodsejerne ønsker vejen grusbelagt inden frosten."),
                                       ("Beslutning", "Bevilget 800 kr. af vejkontoen.")]


def test_labelled_title_ending_in_a_colon_is_a_title() -> None:
    """'Pkt. 2. Skolens kakkelovne:' over its text, or with the text after the colon on the same row."""
    text = (TYPED_MINUTES.replace("Pkt. 1. FORHANDLINGSPROTOKOLLEN", "Pkt. 1. Forhandlingsprotokollen:")
            .replace("Pkt. 2. SKOLENS KAKKELOVNE\n\nSagsfremstilling: ", "Pkt. 2. Skolens kakkelovne: ")
            .replace("Pkt. 3. VEJEN TIL EGEDE MARK", "Pkt. 3. Vejen til Egede Mark:"))
    meeting = _parse(text)
    assert [(i.number, i.title) for i in meeting.items] == [
        ("1", "Forhandlingsprotokollen"), ("2", "Skolens kakkelovne"), ("3", "Vejen til Egede Mark")]
    assert _sections(meeting, "2")[0] == (
        "Sagsfremstilling", "Lærer Madsen har meddelt, at to kakkelovne i den store skolestue ryger og ikke kan "
        "holde varmen.")
