"""partial indexes on published tips; queue lines no longer stored in every language

The public list and map read the newest published tips, whole or by category, from partial indexes
without walking the rest of the history. ``queue_item.summaries`` (migration 0008) goes: the queue
list reads each line from its subject when it is shown, in the reader's language.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# As tipboard.tips.models.PUBLISHED: the statuses written out, so the planners match it.
PUBLISHED = sa.text("status IN ('assigned', 'in_progress', 'reopened', 'resolved', 'verified')")


def upgrade():
    # SQLite (3.35+) drops a column in place; no table rebuild, so the audit triggers and the
    # references from audit_entry are left alone.
    op.drop_column('queue_item', 'summaries')
    op.create_index(
        'ix_tip_public_created', 'tip', ['created_at', 'id'],
        sqlite_where=PUBLISHED, postgresql_where=PUBLISHED,
    )
    op.create_index(
        'ix_tip_public_category_created', 'tip', ['category_id', 'created_at', 'id'],
        sqlite_where=PUBLISHED, postgresql_where=PUBLISHED,
    )


def downgrade():
    op.add_column('queue_item', sa.Column('summaries', sa.JSON(), nullable=True))
    op.drop_index('ix_tip_public_category_created', table_name='tip')
    op.drop_index('ix_tip_public_created', table_name='tip')
