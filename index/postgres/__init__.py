"""The PostgreSQL engine: the index lives in the archive's own database (tsvector + GIN), no Whoosh import."""
from __future__ import annotations

from index.postgres.engine import PostgresIndex

__all__ = ["PostgresIndex"]
