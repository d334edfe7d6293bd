"""Acadre (Syddjurs): '715. Title' running numbers, 'Sagsnr.: 12/27845', 'Sagen afgøres i:'."""
from __future__ import annotations

import re

from parsers.templates.base import Template, verbose

TEMPLATE = Template(
    name="acadre",
    case_numbers=(
        verbose(r"^Sags?\.?\s?nr\.?\s*:?\s*(?P<case>\d{1,2}/\d{3,7})\b", re.IGNORECASE),  # Sagsnr.: 12/27845
    ),
    markers=(
        verbose(r"^Sags?\.?\s?nr\.?\s*:?\s*\d{1,2}/\d{3,7}\b", re.IGNORECASE),  # Sagsnr.: 12/27845
        verbose(r"^Sagen\safgøres\si\s*:", re.IGNORECASE),  # Sagen afgøres i: Udvalget for ...
        verbose(r"^Beslutning\si\s.{2,120}\sden\s\d{2}-\d{2}-\d{4}"),  # Beslutning i Udvalget ... den 10-04-2013
    ),
    attachment_prefix=(
        # 1 Åben Opsamlingsnotat. Temamøde 20.09.2012 222359/12
        verbose(r"^\d{1,3}\s+(?:Åben|Lukket)\s+(?P<title>.+?)(?:\s+\d{2,7}/\d{2})?$"),
    ),
)
