"""Team names in Chinese as well as English

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    # Teams named before keep their one name; it stands in for the Chinese until staff enter it.
    with op.batch_alter_table("team") as batch:
        batch.add_column(sa.Column("name_zh", sa.String(length=100), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("team") as batch:
        batch.drop_column("name_zh")
