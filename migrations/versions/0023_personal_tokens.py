"""Personal access tokens for the JSON API

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "personal_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=8), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_personal_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_token_token_hash")),
    )
    op.create_index(op.f("ix_personal_token_user_id"), "personal_token", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_personal_token_user_id"), table_name="personal_token")
    op.drop_table("personal_token")
