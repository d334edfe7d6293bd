"""one meeting one record: documents attached to meetings with a role, merged items and sections

Checked by hand after autogenerate: the constraints of `meetings.document_id` are unnamed in SQLite (found
through a naming convention in batch mode) and named by PostgreSQL; `items.sources` gets a default for the
rows already there; each 0.1.0 document becomes the referat or dagsorden of its own meeting (`reindex`
afterwards; ingesting the files again merges their meetings).

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _names() -> tuple[dict | None, str, str]:
    """(batch naming convention, unique constraint, foreign key) of meetings.document_id on this database."""
    if op.get_bind().dialect.name == "sqlite":
        return CONVENTION, "uq_meetings_document_id", "fk_meetings_document_id_documents"
    return None, "meetings_document_id_key", "meetings_document_id_fkey"


CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s",
              "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    convention, unique, foreign_key = _names()
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parsed', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('group_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('item_number', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_group_key'), ['group_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('meetings', schema=None, naming_convention=convention) as batch_op:
        batch_op.add_column(sa.Column('municipality', sa.String(length=200), nullable=True))
        batch_op.drop_constraint(foreign_key, type_='foreignkey')
        batch_op.drop_constraint(unique, type_='unique')
        batch_op.alter_column('document_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_meetings_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_municipality'), ['municipality'], unique=False)
        batch_op.create_foreign_key('meetings_document_id_fkey', 'documents', ['document_id'], ['id'],
                                    ondelete='SET NULL')

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('words', sa.JSON(), nullable=True))

    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_on', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_sections_decided_on'), ['decided_on'], unique=False)

    # a 0.1.0 meeting had one document: it is that meeting's referat or dagsorden
    op.execute("UPDATE documents SET meeting_id = (SELECT m.id FROM meetings m WHERE m.document_id = documents.id), "
               "role = (SELECT CASE WHEN m.kind IN ('referat', 'dagsorden') THEN m.kind ELSE 'document' END "
               "FROM meetings m WHERE m.document_id = documents.id) "
               "WHERE EXISTS (SELECT 1 FROM meetings m WHERE m.document_id = documents.id)")


def downgrade() -> None:
    convention, unique, foreign_key = _names()
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sections_decided_on'))
        batch_op.drop_column('source')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('decided_on')

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_column('words')

    op.execute("DELETE FROM meetings WHERE document_id IS NULL")
    with op.batch_alter_table('meetings', schema=None, naming_convention=convention) as batch_op:
        batch_op.drop_constraint('meetings_document_id_fkey', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_municipality'))
        batch_op.drop_index(batch_op.f('ix_meetings_document_id'))
        batch_op.alter_column('document_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.create_unique_constraint(unique, ['document_id'])
        batch_op.create_foreign_key(foreign_key, 'documents', ['document_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('municipality')

    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('sources')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_documents_group_key'))
        batch_op.drop_column('item_number')
        batch_op.drop_column('role')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('group_key')
        batch_op.drop_column('parsed')
