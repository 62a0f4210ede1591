"""Patrol point names in Chinese as well as English

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    # Points named before keep their one name; it stands in for the Chinese until staff enter it.
    with op.batch_alter_table("patrol_point") as batch:
        batch.add_column(sa.Column("name_zh", sa.String(length=100), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("patrol_point") as batch:
        batch.drop_column("name_zh")
