"""eDoc (Ballerup): 'Sagsnr.: 2012-31114' / 'Dok.nr.: ...', '<Udvalg>s beslutning den 04.12.2012 Punkt 1'."""
from __future__ import annotations

import re

from parsers.templates.base import Template, verbose

TEMPLATE = Template(
    name="edoc",
    case_numbers=(
        verbose(r"^Sags?\.?\s?nr\.?\s*:?\s*(?P<case>\d{4}-\d{3,7})\b", re.IGNORECASE),  # Sagsnr.: 2012-31114
    ),
    markers=(
        verbose(r"^Dok\.?\s?nr\.?\s*:\s*\d{4}-\d+", re.IGNORECASE),  # Dok.nr.: 2012-200701
        # Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1
        verbose(r"^.{3,99}s\sbeslutning\sden\s\d{2}\.\d{2}\.\d{4}\sPunkt\s\d+"),
        verbose(r"^\d{4}-\d{5,7}\s[-–]\s\S"),  # 2012-208960 - Title (attachment)
    ),
    headings={"sammendrag": "Resumé"},
    attachment_prefix=(verbose(r"^\d{4}\s?[-–]\s?\d{3,7}\s+[-–]\s+"),),  # 2012-208960 - Title
    ignore=(verbose(r"^dok\.?\s?nr\.?\s*:", re.IGNORECASE),),  # Dok.nr.: 2012-202935
)
