"""Open311 clients and request tokens, extra questions per category and their answers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 13:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_hint", sa.String(length=8), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_api_client_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_client_key_hash")),
    )
    op.create_table(
        "open311_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_client.id"],
            name=op.f("fk_open311_request_client_id_api_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tip.id"], name=op.f("fk_open311_request_tip_id_tip"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_request")),
        sa.UniqueConstraint("tip_id", name=op.f("uq_open311_request_tip_id")),
        sa.UniqueConstraint("token", name=op.f("uq_open311_request_token")),
    )
    op.create_index(op.f("ix_open311_request_client_id"), "open311_request", ["client_id"], unique=False)
    op.create_table(
        "category_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("text_zh", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_category_question_category_id_category"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_question")),
        sa.UniqueConstraint("category_id", "code", name=op.f("uq_category_question_category_id_code")),
    )
    op.create_index(
        op.f("ix_category_question_category_id"), "category_question", ["category_id"], unique=False
    )
    op.create_table(
        "tip_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["category_question.id"],
            name=op.f("fk_tip_answer_question_id_category_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tip.id"], name=op.f("fk_tip_answer_tip_id_tip"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_answer")),
        sa.UniqueConstraint("tip_id", "question_id", name=op.f("uq_tip_answer_tip_id_question_id")),
    )
    op.create_index(op.f("ix_tip_answer_tip_id"), "tip_answer", ["tip_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_tip_answer_tip_id"), table_name="tip_answer")
    op.drop_table("tip_answer")
    op.drop_index(op.f("ix_category_question_category_id"), table_name="category_question")
    op.drop_table("category_question")
    op.drop_index(op.f("ix_open311_request_client_id"), table_name="open311_request")
    op.drop_table("open311_request")
    op.drop_table("api_client")
