"""A tip remembers the key its phone drew, so a report sent twice is stored once.

A nullable column and a unique index: SQLite adds both in place (no rebuild of the tip table,
which rows of several tables point at).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 13:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tip", sa.Column("submission_key_hash", sa.String(length=64), nullable=True))
    op.create_index("uq_tip_submission_key_hash", "tip", ["submission_key_hash"], unique=True)


def downgrade():
    op.drop_index("uq_tip_submission_key_hash", table_name="tip")
    op.drop_column("tip", "submission_key_hash")
