"""copy candidate keys: a few sampled word-pair hashes per document, so copy detection reads only candidates

The documents already there get their keys from their stored page text (the same function ingest uses,
`pipeline.identity.copy_keys`), so an upgraded archive finds copies as a new one does.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('copy_keys',
                    sa.Column('document_id', sa.Integer(), nullable=False),
                    sa.Column('key', sa.BigInteger(), nullable=False),
                    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('document_id', 'key'))
    with op.batch_alter_table('copy_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_copy_keys_key'), ['key'], unique=False)
    _backfill()


def _backfill() -> None:
    from pipeline.identity import copy_keys, shingles

    bind = op.get_bind()
    documents = bind.execute(sa.text("SELECT id FROM documents WHERE status = 'ingested' ORDER BY id")).scalars().all()
    for document_id in documents:
        texts = bind.execute(sa.text("SELECT text FROM pages WHERE document_id = :d ORDER BY number"),
                             {"d": document_id}).scalars().all()
        keys = copy_keys(shingles("\n".join(texts)))
        if keys:
            bind.execute(sa.text("INSERT INTO copy_keys (document_id, key) VALUES (:d, :k)"),
                         [{"d": document_id, "k": k} for k in sorted(keys)])


def downgrade() -> None:
    with op.batch_alter_table('copy_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_copy_keys_key'))
    op.drop_table('copy_keys')
