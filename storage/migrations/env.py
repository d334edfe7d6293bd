"""Alembic environment: runs on the connection storage/migrate.py hands over (SQLite or PostgreSQL)."""
from __future__ import annotations

from alembic import context

from storage.migrations.env_options import include_object
from storage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, include_object=include_object,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
