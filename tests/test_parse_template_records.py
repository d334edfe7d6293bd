"""Each template record, table-driven: which rows are its case numbers (and which never are), and its score."""
from __future__ import annotations

import pytest

from parsers.layout import Row
from parsers.templates import GENERIC, KNOWN, acadre, choose, edoc, firstagenda, kl_prepare, sbsys

# (template, row, case number or None, initials)
CASES = [
    (kl_prepare.TEMPLATE, "SAG-2025-03121 gitb", "SAG-2025-03121", "gitb"),
    (kl_prepare.TEMPLATE, "SAG-2026-00802 hdc/jebj", "SAG-2026-00802", "hdc/jebj"),
    (kl_prepare.TEMPLATE, "EMN-2025-003383", None, None),
    (firstagenda.TEMPLATE, "EMN-2025-003383", "EMN-2025-003383", None),
    (firstagenda.TEMPLATE, "SAG-2025-03121 gitb", None, None),
    (edoc.TEMPLATE, "Sagsnr.: 2012-31114", "2012-31114", None),
    (edoc.TEMPLATE, "Dok.nr.: 2012-200701", None, None),
    (acadre.TEMPLATE, "Sagsnr.: 12/27845", "12/27845", None),
    (acadre.TEMPLATE, "Sagsnr.: 2012-31114", None, None),
    (sbsys.TEMPLATE, "1.1 Status siden sidst", None, None),
    (GENERIC, "SAG-2025-03121", "SAG-2025-03121", None),
    (GENERIC, "EMN-2025-003383", "EMN-2025-003383", None),
    (GENERIC, "Sagsnr.: 12/27845", "12/27845", None),
    (GENERIC, "Sagsid.: 330-2018-3619", "330-2018-3619", None),
    (GENERIC, "Sag 306-2009-600 / Dok. 1234/10 / Initialer: PIM / Åbent", "306-2009-600", "PIM"),
    (GENERIC, "J.nr.: 01.02.05-G01-93-16", "01.02.05-G01-93-16", None),
    (GENERIC, "01.02.05-G01-93-16", "01.02.05-G01-93-16", None),
    (GENERIC, "Dok.nr.: 1965 Sagsid.: 14/40 Initialer: dosko Åben sag", "14/40", "dosko"),
    (GENERIC, "Sagsnr. 299835 Kultur- og Idrætsudvalget Åbent punkt", "299835", None),
    (GENERIC, "Dok.nr.: 2012-200701", None, None),  # a document number is never the case
    (GENERIC, "Initialer: PIM", None, None),
    (GENERIC, "Sagen afgøres i: Udvalget for plan, udvikling og kultur (PUK)", None, None),
    (GENERIC, "Sagen blev behandlet den 3. marts 2020.", None, None),
]


@pytest.mark.parametrize(("template", "text", "case", "initials"), CASES, ids=[f"{c[0].name}:{c[1]}" for c in CASES])
def test_case_number_rows(template, text: str, case: str | None, initials: str | None) -> None:
    match = template.case_match(text)
    got = (match.group("case"), match.groupdict().get("initials")) if match else (None, None)
    assert got == (case, initials)


def _rows(*texts: str) -> list[Row]:
    return [Row(text=t, page=1, para_start=True) for t in texts]


# rows a document of each system prints, and the template that must win on them
SAMPLES = [
    (("KKR Hovedstaden", "1.1. Godkendelse af dagsorden", "SAG-2025-01103 ascm", "SIDE | 2"), "kl-prepare"),
    (("Mødedato Onsdag d. 27. august 2025 kl. 16:00", "Punkt 1: Godkendelse af dagsorden", "EMN-2023-009832"),
     "firstagenda"),
    (("1. Meddelelser", "Sagsnr.: 2011-29298", "Dok.nr.: 2012-202935", "2012-208960 - Titel",
      "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1"), "edoc"),
    (("715. Kulturkommune 2017", "Sagsnr.: 12/27845", "Sagen afgøres i: Udvalget for plan, udvikling og kultur",
      "Beslutning i Udvalget for plan, udvikling og kultur (PUK) den 10-04-2013"), "acadre"),
    (("Dato:", "Tid:", "Sted:", "1.1 Status siden sidst", "Oplæg:", "Referat: Godkendt."), "sbsys"),
    (("Kommunalbestyrelsen", "Sag nr. 129", "Sagens kerne", "Beslutning", "Godkendt."), "generic"),
]


@pytest.mark.parametrize(("texts", "name"), SAMPLES, ids=[s[1] for s in SAMPLES])
def test_each_system_wins_on_its_own_rows(texts: tuple[str, ...], name: str) -> None:
    template, scores = choose(_rows(*texts))
    assert template.name == name
    assert set(scores) == {t.name for t in KNOWN}
    if name != "generic":
        assert scores[name] == max(scores.values()) and scores[name] >= 0.5


@pytest.mark.parametrize(("template", "text", "title"), [
    (edoc.TEMPLATE, "2012-208960 - Hvordan udvikler vi det nære sundhedsvæsen sammen?",
     "Hvordan udvikler vi det nære sundhedsvæsen sammen?"),
    (acadre.TEMPLATE, "1 Åben Opsamlingsnotat. Temamøde 20.09.2012 222359/12", "Opsamlingsnotat. Temamøde 20.09.2012"),
    (kl_prepare.TEMPLATE, "Bilag 1 - Notat", "Bilag 1 - Notat"),
])
def test_attachment_titles_lose_the_archive_numbers(template, text: str, title: str) -> None:
    assert template.clean_attachment(text) == title
