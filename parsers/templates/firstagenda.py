"""FirstAgenda (Aarhus): 'Punkt 1: Title' in large bold, 'EMN-2023-009832' alone on the next row."""
from __future__ import annotations

from parsers.templates.base import Template, verbose

TEMPLATE = Template(
    name="firstagenda",
    case_numbers=(
        verbose(r"^(?P<case>(?:EMN|SAG)-\d{4}-\d{3,7})\s*$"),  # EMN-2025-003383, SAG-2024-001234
    ),
    markers=(
        verbose(r"^EMN-\d{4}-\d{3,7}$"),  # EMN-2023-009832
        verbose(r"^Punkt\s+\d{1,3}:\s+\S"),  # Punkt 1: Godkendelse af dagsorden
        verbose(r"^Mødedato\s+\S"),  # Mødedato Onsdag d. 27. august 2025 kl. 16:00
    ),
    headings={"beslutninger": "Beslutning", "sagsforløb": "Sagsfremstilling"},
    decision_headings=(verbose(r"^[A-ZÆØÅ][\wæøå -]{2,60}s\spåtegning$"),),  # Borgmesterens Afdelings påtegning
)
