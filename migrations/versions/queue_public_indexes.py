"""partial indexes on published tips: the public list and map read the newest published tips whole
or by category without walking the rest of the history

Revision ID: queue_1
Revises: 0008
Create Date: 2026-12-02 07:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'queue_1'
down_revision = '0008'
branch_labels = None
depends_on = None

# As tipboard.tips.models.PUBLISHED: the statuses written out, so the planners match it.
PUBLISHED = sa.text("status IN ('assigned', 'in_progress', 'reopened', 'resolved', 'verified')")


def upgrade():
    op.create_index(
        'ix_tip_public_created', 'tip', ['created_at', 'id'],
        sqlite_where=PUBLISHED, postgresql_where=PUBLISHED,
    )
    op.create_index(
        'ix_tip_public_category_created', 'tip', ['category_id', 'created_at', 'id'],
        sqlite_where=PUBLISHED, postgresql_where=PUBLISHED,
    )


def downgrade():
    op.drop_index('ix_tip_public_category_created', table_name='tip')
    op.drop_index('ix_tip_public_created', table_name='tip')
