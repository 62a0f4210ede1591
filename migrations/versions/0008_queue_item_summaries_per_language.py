"""queue item summaries per language: each reader sees an item's line in their language

``queue_item.summaries`` holds the kind's one line in every language the app offers. Items queued
before it keep ``summaries`` empty and show ``summary`` (the line in the language they were queued in)
until ``flask tipboard queue-lines`` writes their lines (or they are queued again).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:25:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('queue_item', sa.Column('summaries', sa.JSON(), nullable=True))


def downgrade():
    # SQLite (3.35+) drops a column in place; no table rebuild, so the audit triggers and the
    # references from audit_entry are left alone.
    op.drop_column('queue_item', 'summaries')
