"""The template for systems nobody wrote one for: every common case-number format, no markers."""
from __future__ import annotations

import re

from parsers.templates.base import Template, verbose

CASE_NUMBERS = (
    # SAG-2025-03121 gitb, EMN-2025-003383, SAG-2026-00802 hdc/jebj
    verbose(r"""^(?P<case>[A-ZÆØÅ]{2,5}-\d{4}-\d{3,7})
                (?:\s+(?P<initials>[a-zæøå]{2,8}(?:/[a-zæøå]{2,8})*)\.?)?\s*$"""),
    # Sagsnr.: 12/27845, Sags nr. 2012-31114, Sagsid.: 330-2018-3619, J.nr.: 01.02.05-G01-93-16,
    # Sag 306-2009-600 / Dok. 1234/10 / Initialer: PIM / Åbent, Sagsnr. 299835 Kultur- og Idrætsudvalget Åbent punkt,
    # Dok.nr.: 1965 Sagsid.: 14/40 Initialer: dosko Åben sag (the document number first, never taken for the case)
    verbose(r"""^(?:Dok(?:ument)?\.?\s?nr\.?\s*:?\s*\S+\s+)?                           # Dok.nr.: 1965
                (?:Sags?\.?\s?(?:nr|id)\.?|Sagsnummer|Sag|J\.?\s?nr\.?|Journal\s?nr\.?)\s*:?\s*
                (?P<case>(?:\d{2}\.\d{2}\.\d{2}(?:-?[A-ZÆØÅ]\d{2})?(?:-\d{1,4}-\d{2})?   # 01.02.05-G01-93-16
                          |\d{2}\.\d{2}\.\d{2}0?\d{2}    # 00.30.10009, 00.30.1009: OCR read the facet Ø as 0 or lost it
                          |[A-ZÆØÅ]{2,5}-\d{4}-\d{3,7}                          # SAG-2025-03121
                          |\d{1,4}-\d{4}-\d{1,7}                                # 306-2009-600
                          |\d{1,4}/\d{2,7}|\d{1,4}-\d{3,7}                     # 12/27845, 14/40, 2012-31114
                          |\d{5,8}))\b                                           # 299835
                (?:.*?\bInitialer\s*:\s*(?P<initials>[A-ZÆØÅa-zæøå]{2,8}))?    # / Initialer: PIM
                """, re.IGNORECASE),
    # a KLE-numbered case alone on its row, or after the item's open/closed status:
    # 01.02.05-G01-93-16, 29.09.00G01, Åbent - 00.30.00-Ø00-5-17, Lukket sag - 00.22.04-A00-3-17
    verbose(r"""^(?:(?:Åben|Åbent|Lukket)(?:\s+(?:sag|punkt))?\s*[-–:]\s*)?
                (?P<case>\d{2}\.\d{2}\.\d{2}-?[A-ZÆØÅ]\d{2}(?:-\d{1,4}-\d{2})?)\s*$""", re.IGNORECASE),
)

# an item's metadata rows before its first section, in any system: no body text
METADATA_ROWS = (
    # Dok.nr.: 2012-202935, Dokumentnr.: 88, Sagsnr.: 12/27845, Sagen afgøres i: Byrådet, J.nr.: 01.02, Initialer: PIM
    verbose(r"^(?:dok\.?\s?nr|dokument\s?nr|sagsnr|sagen\safgøres\si|j\.?\s?nr|initialer)\.?\s*:", re.IGNORECASE),
    verbose(r"^dok\.\s\d[\d/-]+$", re.IGNORECASE),  # Dok. 306-2019-263412
    verbose(r"^(?:åben|åbent|lukket)(?:\s(?:sag|punkt))?$", re.IGNORECASE),  # Åbent, Lukket punkt
    verbose(r"^.{3,80}\sden\s.{6,20}\spunkt\s\d+$", re.IGNORECASE),  # Økonomiudvalget den 04.12.2012 punkt 1
)

TEMPLATE = Template(
    name="generic",
    case_numbers=CASE_NUMBERS,
    markers=(),
    furniture=(
        verbose(r"^side\s*\|\s*\d+$", re.IGNORECASE),  # SIDE | 5
        verbose(r"^[^|]{2,80}\s\|\s\d{1,2}[-.]\d{1,2}[-.]\d{2,4}$"),  # Byrådet | 02-09-2025
    ),
    attachment_prefix=(
        verbose(r"^\d{4}\s?[-–]\s?\d{3,7}\s+[-–]\s+"),  # 2012-208960 - Title
        verbose(r"^\d{1,3}\s+(?:Åben|Lukket)\s+(?P<title>.+?)(?:\s+\d{2,7}/\d{2})?$"),  # 1 Åben Title 222359/12
    ),
    ignore=METADATA_ROWS,
)
