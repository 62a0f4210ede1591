"""Grid officers and members, the duty-leader rota and escalations; venue points; the care register.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
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

    op.create_table(
        "venue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("base_score", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_venue_grid_id_grid")),
        sa.ForeignKeyConstraint(["manager_id"], ["user.id"], name=op.f("fk_venue_manager_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue")),
    )
    op.create_index(op.f("ix_venue_category"), "venue", ["category"], unique=False)
    op.create_index(op.f("ix_venue_grid_id"), "venue", ["grid_id"], unique=False)
    op.create_index(op.f("ix_venue_manager_id"), "venue", ["manager_id"], unique=False)
    op.create_table(
        "point_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("rectify_days", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_point_rule_code")),
    )
    op.create_table(
        "venue_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_venue_inspection_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["inspector_id"], ["user.id"], name=op.f("fk_venue_inspection_inspector_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_inspection")),
    )
    op.create_index(op.f("ix_venue_inspection_venue_id"), "venue_inspection", ["venue_id"], unique=False)
    op.create_table(
        "venue_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("tip_id", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proof_note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_venue_finding_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["rule_id"], ["point_rule.id"], name=op.f("fk_venue_finding_rule_id_point_rule")),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["venue_inspection.id"],
            name=op.f("fk_venue_finding_inspection_id_venue_inspection"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["tip_id"], ["tip.id"], name=op.f("fk_venue_finding_tip_id_tip"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_venue_finding_created_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_finding")),
        sa.UniqueConstraint("tip_id", name=op.f("uq_venue_finding_tip_id")),
    )
    op.create_index(op.f("ix_venue_finding_venue_id"), "venue_finding", ["venue_id"], unique=False)
    op.create_index(op.f("ix_venue_finding_created_at"), "venue_finding", ["created_at"], unique=False)
    op.create_index("ix_venue_finding_venue_created", "venue_finding", ["venue_id", "created_at"], unique=False)
    op.create_table(
        "venue_finding_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("proof", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("thumb_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["venue_finding.id"],
            name=op.f("fk_venue_finding_photo_finding_id_venue_finding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_finding_photo")),
        sa.UniqueConstraint("file_name", name=op.f("uq_venue_finding_photo_file_name")),
        sa.UniqueConstraint("thumb_name", name=op.f("uq_venue_finding_photo_thumb_name")),
    )
    op.create_index(op.f("ix_venue_finding_photo_finding_id"), "venue_finding_photo", ["finding_id"], unique=False)
    op.create_table(
        "venue_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_venue_tally_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_tally")),
        sa.UniqueConstraint("venue_id", "day", name=op.f("uq_venue_tally_venue_id_day")),
    )
    op.create_index(op.f("ix_venue_tally_day"), "venue_tally", ["day"], unique=False)
    op.create_table(
        "venue_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venue.id"], name=op.f("fk_venue_action_venue_id_venue"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["taken_by_id"], ["user.id"], name=op.f("fk_venue_action_taken_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_action")),
        sa.UniqueConstraint("venue_id", "week", "kind", name=op.f("uq_venue_action_venue_id_week_kind")),
    )
    op.create_index(op.f("ix_venue_action_venue_id"), "venue_action", ["venue_id"], unique=False)
    op.create_table(
        "venue_bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_bulletin")),
        sa.UniqueConstraint("month", name=op.f("uq_venue_bulletin_month")),
    )

    op.create_table(
        "care_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("guardian", sa.String(length=100), nullable=True),
        sa.Column("needs", sa.String(length=500), nullable=True),
        sa.Column("consent_by", sa.String(length=100), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("visit_every_days", sa.Integer(), nullable=False),
        sa.Column("visitor_kind", sa.String(length=12), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("next_visit_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_care_person_grid_id_grid")),
        sa.ForeignKeyConstraint(["mentor_id"], ["user.id"], name=op.f("fk_care_person_mentor_id_user")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_care_person_created_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_person")),
    )
    op.create_index(op.f("ix_care_person_grid_id"), "care_person", ["grid_id"], unique=False)
    op.create_index(op.f("ix_care_person_next_visit_on"), "care_person", ["next_visit_on"], unique=False)
    op.create_table(
        "care_visitor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["care_person.id"], name=op.f("fk_care_visitor_person_id_care_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_care_visitor_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_visitor")),
        sa.UniqueConstraint("person_id", "user_id", name=op.f("uq_care_visitor_person_id_user_id")),
    )
    op.create_index(op.f("ix_care_visitor_person_id"), "care_visitor", ["person_id"], unique=False)
    op.create_index(op.f("ix_care_visitor_user_id"), "care_visitor", ["user_id"], unique=False)
    op.create_table(
        "care_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("found", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["care_person.id"], name=op.f("fk_care_visit_person_id_care_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["visitor_id"], ["user.id"], name=op.f("fk_care_visit_visitor_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_visit")),
    )
    op.create_index(op.f("ix_care_visit_person_id"), "care_visit", ["person_id"], unique=False)


def downgrade():
    for table in (
        "care_visit",
        "care_visitor",
        "care_person",
        "venue_bulletin",
        "venue_action",
        "venue_tally",
        "venue_finding_photo",
        "venue_finding",
        "venue_inspection",
        "point_rule",
        "venue",
    ):
        op.drop_table(table)
    op.drop_table("escalation")
    op.drop_table("duty_leader")
    op.drop_table("grid_member")
    with op.batch_alter_table("grid") as batch:
        batch.drop_constraint(op.f("fk_grid_deputy_id_user"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_grid_officer_id_user"), type_="foreignkey")
        batch.drop_column("deputy_id")
        batch.drop_column("officer_id")
