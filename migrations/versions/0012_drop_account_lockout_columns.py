"""Drop the account lockout columns: sign-in failures are throttled per account and address.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_column("user", "locked_until")
    op.drop_column("user", "failed_logins")


def downgrade():
    op.add_column("user", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("user", sa.Column("locked_until", sa.DateTime(), nullable=True))
