"""`moedearkiv normalize`: OCR repair, then the normalization every page gets."""
from __future__ import annotations

from parsers.normalize import clean_line, normalize_text
from parsers.repair import Repairer


def repair_and_normalize(text: str, repairer: Repairer, join_paragraphs: bool = False) -> str:
    """Repaired text, each line cleaned (NFC, ligatures, odd spaces); lines and words stay where they were,
    so the output lines up word for word with the input. `join_paragraphs` also joins each paragraph's
    lines and mends line-end hyphenation, as section texts in the archive are."""
    repaired = repairer.repair(text).text
    if join_paragraphs:
        return normalize_text(repaired)
    return "\n".join(clean_line(line) for line in repaired.splitlines())
