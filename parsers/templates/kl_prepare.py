"""KL Prepare (KL and the KKR councils): 'SAG-2025-03121 gitb' under each item, 'SIDE | 5' footers."""
from __future__ import annotations

import re

from parsers.templates.base import Template, verbose

TEMPLATE = Template(
    name="kl-prepare",
    case_numbers=(
        verbose(r"""^(?P<case>SAG-\d{4}-\d{3,7})            # SAG-2025-03121
                    (?:\s+(?P<initials>[a-zæøå]{2,8}(?:/[a-zæøå]{2,8})*)\.?)?  # gitb, hdc/jebj
                    \s*$""", re.IGNORECASE),
    ),
    markers=(
        verbose(r"^SAG-\d{4}-\d{3,7}\s+[a-zæøå]{2,8}(?:/[a-zæøå]{2,8})*\.?$"),  # SAG-2025-03121 gitb
        verbose(r"^side\s*\|\s*\d+$", re.IGNORECASE),  # SIDE | 5
        verbose(r"^(?:KKR\s+[A-ZÆØÅ]\w+|KL)$", re.IGNORECASE),  # KKR Hovedstaden
    ),
    furniture=(
        verbose(r"^side\s*\|\s*\d+$", re.IGNORECASE),  # SIDE | 5
        verbose(r"^[^|]{2,80}\s\|\s\d{1,2}[-.]\d{1,2}[-.]\d{2,4}$"),  # KKR Hovedstaden | 02-09-2025
    ),
)
