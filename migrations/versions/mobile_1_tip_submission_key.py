"""A tip remembers the key its phone drew, so a report sent twice is stored once.

Revision ID: mobile_1
Revises: 0012
Create Date: 2026-12-02 13:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "mobile_1"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tip") as batch:
        batch.add_column(sa.Column("submission_key_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_tip_submission_key_hash", ["submission_key_hash"])


def downgrade():
    with op.batch_alter_table("tip") as batch:
        batch.drop_constraint("uq_tip_submission_key_hash", type_="unique")
        batch.drop_column("submission_key_hash")
