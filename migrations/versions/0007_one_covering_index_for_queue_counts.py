"""one covering index for the queue's counts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 07:34:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD = ("category", "grid", "assignee")


def upgrade():
    with op.batch_alter_table('queue_item', schema=None) as batch_op:
        for name in OLD:
            batch_op.drop_index(f'ix_queue_item_kind_status_{name}')
        batch_op.create_index('ix_queue_item_counts',
                              ['kind', 'status', 'category_id', 'grid_id', 'assignee_id', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('queue_item', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_item_counts')
        for name in OLD:
            batch_op.create_index(f'ix_queue_item_kind_status_{name}', ['kind', 'status', f'{name}_id'], unique=False)
