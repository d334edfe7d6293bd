"""SBSYS (and the dialogue-meeting minutes it prints): 'Dato:/Tid:/Sted:' stacked, 'Oplæg:'/'Referat:' under
each '1.1 Title', group rows '1 First Agenda' in bold, 'Side 2' stamps."""
from __future__ import annotations

from parsers.templates.base import Template, verbose

TEMPLATE = Template(
    name="sbsys",
    case_numbers=(),
    markers=(
        verbose(r"^Oplæg\s*:"),  # Oplæg:
        verbose(r"^Referat\s*:"),  # Referat: Alle skal have indhold.
        verbose(r"^(?:Dato|Tid|Sted)\s*:$"),  # Dato:  (the value stacked in a column beside it)
    ),
    headings={"oplæg": "Oplæg", "referat": "Beslutning"},
)
