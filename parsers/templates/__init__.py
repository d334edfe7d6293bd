"""The known agenda systems, one module each; `choose` picks the one a document's rows fit best.

Adding a system means adding one module with a `TEMPLATE` record and listing it here.
"""
from __future__ import annotations

from collections.abc import Sequence

from parsers.settings import DEFAULT, ParserSettings
from parsers.templates import acadre, edoc, firstagenda, generic, kl_prepare, sbsys
from parsers.templates.base import HasText, Template

KNOWN: tuple[Template, ...] = (kl_prepare.TEMPLATE, firstagenda.TEMPLATE, edoc.TEMPLATE, acadre.TEMPLATE,
                               sbsys.TEMPLATE)
GENERIC = generic.TEMPLATE
ALL: tuple[Template, ...] = KNOWN + (GENERIC,)


def scores(rows: Sequence[HasText]) -> dict[str, float]:
    return {t.name: t.score(rows) for t in KNOWN}


def choose(rows: Sequence[HasText], settings: ParserSettings = DEFAULT) -> tuple[Template, dict[str, float]]:
    """The best-scoring known template, or the generic one when none reaches the minimum score."""
    found = scores(rows)
    best = max(KNOWN, key=lambda t: found[t.name])
    if found[best.name] < settings.min_template_score:
        return GENERIC, found
    return best, found


__all__ = ["ALL", "GENERIC", "KNOWN", "Template", "choose", "scores"]
