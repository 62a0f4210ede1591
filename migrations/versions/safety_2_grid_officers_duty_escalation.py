"""Grid officers and members, the duty-leader rota and escalations.

Revision ID: safety_2
Revises: safety_1
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_2"
down_revision = "safety_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("grid") as batch:
        batch.add_column(sa.Column("officer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("deputy_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_grid_officer_id_user"), "user", ["officer_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(op.f("fk_grid_deputy_id_user"), "user", ["deputy_id"], ["id"], ondelete="SET NULL")
    op.create_table(
        "grid_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_grid_member_grid_id_grid"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_grid_member_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_member")),
        sa.UniqueConstraint("grid_id", "user_id", name=op.f("uq_grid_member_grid_id_user_id")),
    )
    op.create_index(op.f("ix_grid_member_grid_id"), "grid_member", ["grid_id"], unique=False)
    op.create_index(op.f("ix_grid_member_user_id"), "grid_member", ["user_id"], unique=False)
    op.create_table(
        "duty_leader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_duty_leader_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_leader")),
        sa.UniqueConstraint("day", name=op.f("uq_duty_leader_day")),
    )
    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["queue_item.id"], name=op.f("fk_escalation_item_id_queue_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["leader_id"], ["user.id"], name=op.f("fk_escalation_leader_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
        sa.UniqueConstraint("item_id", "due_at", name=op.f("uq_escalation_item_id_due_at")),
    )
    op.create_index(op.f("ix_escalation_item_id"), "escalation", ["item_id"], unique=False)
    op.create_index(op.f("ix_escalation_created_at"), "escalation", ["created_at"], unique=False)


def downgrade():
    op.drop_table("escalation")
    op.drop_table("duty_leader")
    op.drop_table("grid_member")
    with op.batch_alter_table("grid") as batch:
        batch.drop_constraint(op.f("fk_grid_deputy_id_user"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_grid_officer_id_user"), type_="foreignkey")
        batch.drop_column("deputy_id")
        batch.drop_column("officer_id")
