"""ocr pages: the OCR of each page of a large scan, read by a queue page job, kept by sha256 and page number

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ocr_pages',
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('number', sa.Integer(), nullable=False),
                    sa.Column('lines', sa.JSON(), nullable=False),
                    sa.Column('words', sa.JSON(), nullable=False),
                    sa.Column('worker', sa.String(length=200), nullable=False),
                    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('sha256', 'number'))


def downgrade() -> None:
    op.drop_table('ocr_pages')
