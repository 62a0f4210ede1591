"""Referrals of tips to partner organisations and the partner's replies.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 13:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tip.id"], name=op.f("fk_referral_tip_id_tip"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_referral_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_referral_created_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    op.create_index(op.f("ix_referral_tip_id"), "referral", ["tip_id"], unique=False)
    op.create_index(op.f("ix_referral_organisation_id"), "referral", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_referral_status"), "referral", ["status"], unique=False)
    op.create_table(
        "referral_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("from_station", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("photo_name", sa.String(length=64), nullable=True),
        sa.Column("thumb_name", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_reply_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_referral_reply_author_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_reply")),
        sa.UniqueConstraint("photo_name", name=op.f("uq_referral_reply_photo_name")),
        sa.UniqueConstraint("thumb_name", name=op.f("uq_referral_reply_thumb_name")),
    )
    op.create_index(op.f("ix_referral_reply_referral_id"), "referral_reply", ["referral_id"], unique=False)


def downgrade():
    op.drop_table("referral_reply")
    op.drop_table("referral")
