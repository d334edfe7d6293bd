"""What the migrations compare: the models' tables only (the postgres engine keeps its own search table)."""
from __future__ import annotations

from storage.models import Base

OWN_TABLES = frozenset(Base.metadata.tables)


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    return not (type_ == "table" and reflected and name not in OWN_TABLES)
