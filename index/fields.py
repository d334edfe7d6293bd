"""Values every engine derives from a SectionDoc the same way (so filters and sorts agree across engines)."""
from __future__ import annotations


def normalize_case_number(value: str) -> str:
    """`sag-2025 - 1` and `SAG-2025-1` are the same case: no spaces, upper case."""
    return "".join(value.split()).upper()


def date_num(iso: str | None) -> int | None:
    """An ISO date as YYYYMMDD (what date ranges compare), None when there is no full date."""
    if not iso or len(iso) < 10:
        return None
    digits = iso[:10].replace("-", "")
    return int(digits) if digits.isdigit() and len(digits) == 8 else None
