from __future__ import annotations

from parsers.normalize import clean_line, join_lines, normalize_text


def test_line_end_hyphenation_is_joined() -> None:
    assert join_lines(["er udsendt til med-", "lemmerne via Prepare"]) == "er udsendt til medlemmerne via Prepare"


def test_compound_hyphens_are_kept() -> None:
    assert join_lines(["KKR-", "formandskabet"]) == "KKR-formandskabet"
    assert join_lines(["SOSU-", "uddannelserne"]) == "SOSU-uddannelserne"
    assert join_lines(["Sundheds-", "og Forebyggelsesudvalget"]) == "Sundheds- og Forebyggelsesudvalget"
    assert join_lines(["Ole Wedel-", "Brandt"]) == "Ole Wedel-Brandt"


def test_ligatures_and_nfc() -> None:
    assert clean_line("ﬁnansiering") == "finansiering"
    assert clean_line("a\u030a") == "å"  # decomposed å becomes one code point


def test_pdfium_break_marker_inside_a_line_is_a_line_end_hyphen() -> None:
    assert normalize_text("en del ikke\ufffeplanlagte opgaver") == "en del ikkeplanlagte opgaver"
    assert normalize_text("SOSU\ufffeuddannelserne") == "SOSU-uddannelserne"


def test_soft_hyphen_at_line_end() -> None:
    assert normalize_text("borger\u00ad\nrådgivning") == "borgerrådgivning"


def test_whitespace_collapsed_and_paragraphs_kept() -> None:
    text = "Første  linje\u00a0her\nfortsætter\n\n\nNyt   afsnit"
    assert normalize_text(text) == "Første linje her fortsætter\n\nNyt afsnit"
