"""team invites: a leader's invitation waits for the person to accept it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "team_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user.id"],
            name=op.f("fk_team_invite_invited_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_team_invite_team_id_team"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_team_invite_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_invite")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_team_invite_team_id_user_id")),
    )
    with op.batch_alter_table("team_invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_invite_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("team_invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_invite_user_id"))

    op.drop_table("team_invite")
