"""Outbox messages to a phone number with no account (a dispute's other side)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_outbox_message_has_recipient"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_message_has_any_recipient"),
            "user_id IS NOT NULL OR tip_id IS NOT NULL OR phone IS NOT NULL",
        )


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_message WHERE user_id IS NULL AND tip_id IS NULL"))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_message_has_any_recipient"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_message_has_recipient"), "user_id IS NOT NULL OR tip_id IS NOT NULL"
        )
        batch_op.drop_column("phone")
