"""Volunteers' roster wishes (hours cap, no late shifts, home grid), gaps kept open on purpose,
and issued service-hours records (to check their verification codes).

Revision ID: roster_1
Revises: 0012
Create Date: 2026-12-02 13:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "roster_1"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("volunteer_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_hours_per_week", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("avoid_late", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("home_grid_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_volunteer_profile_home_grid_id_grid"),
            "grid",
            ["home_grid_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_volunteer_profile_max_hours_range"), "max_hours_per_week BETWEEN 0 AND 80"
        )
    with op.batch_alter_table("roster_gap", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_open", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("kept_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("kept_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("kept_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_roster_gap_kept_by_id_user"), "user", ["kept_by_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "service_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=14), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("shifts", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_service_record_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_record")),
        sa.UniqueConstraint("code", name=op.f("uq_service_record_code")),
    )
    with op.batch_alter_table("service_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_record_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("service_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_record_user_id"))
    op.drop_table("service_record")
    with op.batch_alter_table("roster_gap", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_roster_gap_kept_by_id_user"), type_="foreignkey")
        batch_op.drop_column("kept_at")
        batch_op.drop_column("kept_by_id")
        batch_op.drop_column("kept_reason")
        batch_op.drop_column("kept_open")
    with op.batch_alter_table("volunteer_profile", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_volunteer_profile_max_hours_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_volunteer_profile_home_grid_id_grid"), type_="foreignkey")
        batch_op.drop_column("home_grid_id")
        batch_op.drop_column("avoid_late")
        batch_op.drop_column("max_hours_per_week")
