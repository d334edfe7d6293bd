"""bilag link words: the long words of each item's Bilag titles and of each document's name and first lines,
so a bilag is looked for only among the items and documents sharing one (not the whole archive per store)

The rows already there get their words from their stored titles, file names and first pages (the functions
ingest uses, `storage.bilag_link`), so an upgraded archive links bilag as a new one does.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_words',
                    sa.Column('document_id', sa.Integer(), nullable=False),
                    sa.Column('word', sa.Text(), nullable=False),
                    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('document_id', 'word'))
    with op.batch_alter_table('document_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_words_word'), ['word'], unique=False)
    op.create_table('attachment_words',
                    sa.Column('item_id', sa.Integer(), nullable=False),
                    sa.Column('word', sa.Text(), nullable=False),
                    sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('item_id', 'word'))
    with op.batch_alter_table('attachment_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_words_word'), ['word'], unique=False)
    _backfill()


def _backfill() -> None:
    from storage.bilag_link import HEAD_CHARS, attachment_words, document_words

    bind = op.get_bind()
    documents = bind.execute(sa.text(
        "SELECT d.id, d.filename, p.text FROM documents d LEFT JOIN pages p ON p.document_id = d.id AND p.number = 1 "
        "WHERE d.status = 'ingested' ORDER BY d.id")).all()
    for document_id, filename, first_page in documents:
        words = document_words(filename, (first_page or "")[:HEAD_CHARS])
        if words:
            bind.execute(sa.text("INSERT INTO document_words (document_id, word) VALUES (:d, :w)"),
                         [{"d": document_id, "w": w} for w in sorted(words)])
    for item_id, attachments in bind.execute(sa.text("SELECT id, attachments FROM items ORDER BY id")).all():
        titles = (json.loads(attachments) if isinstance(attachments, str) else attachments) or []
        words = attachment_words(titles)
        if words:
            bind.execute(sa.text("INSERT INTO attachment_words (item_id, word) VALUES (:i, :w)"),
                         [{"i": item_id, "w": w} for w in sorted(words)])


def downgrade() -> None:
    with op.batch_alter_table('attachment_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_words_word'))
    op.drop_table('attachment_words')
    with op.batch_alter_table('document_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_words_word'))
    op.drop_table('document_words')
