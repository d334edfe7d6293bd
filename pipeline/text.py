"""`moedearkiv normalize`: OCR repair, then the normalization every page gets."""
from __future__ import annotations

from parsers.normalize import normalize_text
from parsers.repair import Repairer


def repair_and_normalize(text: str, repairer: Repairer | None = None) -> str:
    repairer = repairer or Repairer.load()
    return normalize_text(repairer.repair(text).text)
