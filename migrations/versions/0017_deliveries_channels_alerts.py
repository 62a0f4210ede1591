"""Message delivery per channel, channel choices, push subscriptions (people's and tips'), alert
watches; outbox messages may go to a tip's followers instead of a person.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 13:10:02
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "alert_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("radius_m", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(lat IS NOT NULL AND lon IS NOT NULL AND radius_m IS NOT NULL) OR grid_id IS NOT NULL",
            name=op.f("ck_alert_watch_has_area"),
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["grid.id"], name=op.f("fk_alert_watch_grid_id_grid"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_alert_watch_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_watch")),
    )
    with op.batch_alter_table("alert_watch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_watch_user_id"), ["user_id"], unique=False)

    op.create_table(
        "channel_choice",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channels", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_channel_choice_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_channel_choice")),
    )
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_push_subscription_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscription_endpoint")),
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_subscription_user_id"), ["user_id"], unique=False)

    op.create_table(
        "tip_push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tip.id"], name=op.f("fk_tip_push_subscription_tip_id_tip"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_push_subscription")),
        sa.UniqueConstraint("tip_id", "endpoint", name=op.f("uq_tip_push_subscription_tip_id_endpoint")),
    )
    with op.batch_alter_table("tip_push_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_push_subscription_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "outbox_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("provider_ref", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_delivery_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_delivery")),
        sa.UniqueConstraint("message_id", "channel", name=op.f("uq_outbox_delivery_message_id_channel")),
    )
    with op.batch_alter_table("outbox_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_delivery_status_next", ["status", "next_attempt_at"], unique=False)

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tip_id", sa.Integer(), nullable=True))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_outbox_message_tip_id"), ["tip_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_tip_id_tip"), "tip", ["tip_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_message_has_recipient"), "user_id IS NOT NULL OR tip_id IS NOT NULL"
        )


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_message WHERE user_id IS NULL"))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_message_has_recipient"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_tip_id_tip"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_message_tip_id"))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("tip_id")

    with op.batch_alter_table("outbox_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_delivery_status_next")

    op.drop_table("outbox_delivery")
    with op.batch_alter_table("tip_push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_push_subscription_tip_id"))

    op.drop_table("tip_push_subscription")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_user_id"))

    op.drop_table("push_subscription")
    op.drop_table("channel_choice")
    with op.batch_alter_table("alert_watch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_watch_user_id"))

    op.drop_table("alert_watch")
