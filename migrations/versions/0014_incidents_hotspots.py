"""Imported incidents, decisions on suggested points, and a point's history.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["user.id"], name=op.f("fk_incident_imported_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint(
            "occurred_at", "lat", "lon", "kind", name=op.f("uq_incident_occurred_at_lat_lon_kind")
        ),
    )

    op.create_table(
        "hotspot_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_key", sa.String(length=40), nullable=False),
        sa.Column("latest_at", sa.DateTime(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_hotspot_decision_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["patrol_point.id"], name=op.f("fk_hotspot_decision_point_id_patrol_point")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotspot_decision")),
        sa.UniqueConstraint(
            "cluster_key", "latest_at", name=op.f("uq_hotspot_decision_cluster_key_latest_at")
        ),
    )
    with op.batch_alter_table("hotspot_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotspot_decision_created_at"), ["created_at"], unique=False)

    op.create_table(
        "point_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_point_change_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["patrol_point.id"],
            name=op.f("fk_point_change_point_id_patrol_point"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_change")),
    )
    with op.batch_alter_table("point_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_change_point_id"), ["point_id"], unique=False)


def downgrade():
    with op.batch_alter_table("point_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_change_point_id"))
    op.drop_table("point_change")
    with op.batch_alter_table("hotspot_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotspot_decision_created_at"))
    op.drop_table("hotspot_decision")
    op.drop_table("incident")
