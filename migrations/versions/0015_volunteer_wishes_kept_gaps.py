"""Volunteers' roster wishes (hours cap, no late shifts, home grid) and gaps kept open on purpose.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 13:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
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


def downgrade():
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
